/**
 * The contest module's server side: the participant's application as its facts, and its
 * effects carried out by the application services (one application per person and
 * contest, receipt numbers from a counter, status changes by conditional update).
 */
import type { ContestTypes, EffectBase } from '../../flows/index.ts';
import { ApplicationError } from '../applications/application-errors.ts';
import { findApplications, type StoredApplication } from '../applications/application.repository.ts';
import {
  discardDraft, prepareAnswers, saveAnswers, submitApplication, withdrawApplication, writeApplicationSaves,
  type ApplicationSave, type ApplicationScope,
} from '../applications/application.service.ts';
import { attachDocument } from '../applications/document.service.ts';
import { forgetUnsentMessage } from '../applications/unsend.service.ts';
import { recordNotices } from '../staff-feed/staff-notice.repository.ts';
import type { EffectTurn, ServerModule } from './server-module.ts';
import { contestReminders } from './contest.reminders.ts';

type Turn = EffectTurn<StoredApplication | null, ApplicationSave>;

/** Effects that never read the application row, so its write may wait for the batch's bulk statement. */
const independentOfRow: ReadonlySet<string> = new Set(['saveAnswers', 'recordConsent', 'setLanguage']);

export const contestServerModule: ServerModule<'contest', ContestTypes, StoredApplication | null, ApplicationSave> = {
  id: 'contest',
  reminders: contestReminders,

  async loadFacts(db, { sealer, program }, participantIds) {
    const applications = await findApplications(db, sealer, program.contest.id, [...participantIds]);
    return (participantId) => applications.get(participantId) ?? null;
  },

  handlers: {
    async saveAnswers(effect, turn) {
      const application = turn.facts;
      const before = application?.answers ?? {};
      const saved = mayDefer(turn)
        ? deferSave(turn, application, effect.answers)
        : await saveAnswers(scopeOf(turn), application, effect.answers);
      const changed = Object.keys(effect.answers).filter((k) => effect.answers[k] !== before[k]);
      // Staff see changes to a submitted application (which answers, never their values).
      if (application?.status === 'submitted' && changed.length > 0) {
        await recordNotices(turn.db, turn.sealer, [{ kind: 'application.updated', entityId: saved.id, detail: { fields: changed } }], turn.now);
      }
      return {
        facts: { status: 'draft', receiptNumber: null, hasDocument: false, ...application, id: saved.id, answers: effect.answers },
        audit: [saved.audit],
        answered: changed,
      };
    },

    async discardDraft(_effect, turn) {
      const entry = await discardDraft(scopeOf(turn), turn.facts);
      return { facts: null, audit: entry ? [entry] : [] };
    },

    async attachDocument(effect, turn) {
      const file = turn.files.find((f) => f.sourceMessageId === effect.sourceMessageId);
      const current = turn.facts;
      // The runtime fetched what the flow took: anything else is a bug, not a refusal.
      if (!file || !current) throw new Error('attachDocument without a fetched file or an application');
      const audit = [await attachDocument(turn.db, turn.sealer, current.id, file, turn.actor, turn.now)];
      if (current.status === 'submitted') await recordNotices(turn.db, turn.sealer, [{ kind: 'application.document', entityId: current.id }], turn.now);
      return { facts: { ...current, hasDocument: true }, audit };
    },

    async submitApplication(_effect, turn) {
      const current = turn.facts;
      const refused = { outcome: { effect: 'submitApplication', result: 'refused' } } as const;
      if (!current) return refused;
      let submitted: Awaited<ReturnType<typeof submitApplication>>;
      try {
        submitted = await submitApplication(scopeOf(turn), current);
      } catch (error) {
        if (error instanceof ApplicationError && error.code === 'not-submittable') return refused;
        throw error;
      }
      const { receiptNumber } = submitted;
      if (submitted.audit) await recordNotices(turn.db, turn.sealer, [{ kind: 'application.submitted', entityId: current.id }], turn.now);
      return {
        facts: { ...current, status: 'submitted', receiptNumber },
        outcome: { effect: 'submitApplication', result: 'submitted', facts: { receiptNumber } },
        audit: submitted.audit ? [submitted.audit] : [],
      };
    },

    async withdrawApplication(_effect, turn) {
      const current = turn.facts;
      if (!current) return {};
      const entry = await withdrawApplication(scopeOf(turn), current);
      if (entry) await recordNotices(turn.db, turn.sealer, [{ kind: 'application.withdrawn', entityId: current.id }], turn.now);
      return { facts: { ...current, status: 'withdrawn' }, audit: entry ? [entry] : [] };
    },
  },

  lateEffects: ['submitApplication'],

  deferred: { write: writeApplicationSaves },

  async forgetMessage(turn) {
    const { db, sealer, program, participantId, messageId, state, facts, actor, now } = turn;
    const unsent = await forgetUnsentMessage(db, sealer, program, { participantId, messageId, state, application: facts, actor, now });
    return { state: unsent.state, facts: unsent.application, removed: unsent.removed, kept: unsent.kept, audit: unsent.audit };
  },
};

/** A save may wait for the batch only when no effect of the turn needs the row to exist already. */
function mayDefer(turn: Turn): turn is Turn & { defer: NonNullable<Turn['defer']> } {
  return turn.defer !== undefined && turn.effects.every((e: EffectBase) => independentOfRow.has(e.type));
}

function deferSave(turn: Turn & { defer: NonNullable<Turn['defer']> }, application: StoredApplication | null, answers: Record<string, string>) {
  const prepared = prepareAnswers(scopeOf(turn), application, answers);
  turn.defer(prepared.save);
  return { id: prepared.save.id, audit: prepared.audit };
}

function scopeOf(turn: Turn): ApplicationScope {
  return { db: turn.db, sealer: turn.sealer, contest: turn.program.contest, participantId: turn.participantId, actor: turn.actor, now: turn.now };
}
