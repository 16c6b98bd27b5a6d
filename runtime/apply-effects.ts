/**
 * Carries out a flow's effects inside the turn's transaction, in order, collecting the
 * audit entries and the facts (e.g. the receipt number) that messages refer to.
 */
import type { Answers, Effect } from '../flows/index.ts';
import type { AuditEntry } from '../core/audit/audit-log.ts';
import type { StoredApplication } from '../core/applications/application.repository.ts';
import {
  discardDraft, prepareAnswers, saveAnswers, submitApplication, withdrawApplication, type ApplicationSave, type ApplicationScope,
} from '../core/applications/application.service.ts';
import { attachDocument, type ReceivedFile } from '../core/applications/document.service.ts';
import { recordConsent } from '../core/consent/consent.service.ts';
import { setLanguage } from '../core/participants/participant.service.ts';
import { recordNotices } from '../core/staff-feed/staff-notice.repository.ts';
import { endHandoffByParticipant, forwardToStaff, openHandoff, type Exchange } from '../core/handoff/handoff.service.ts';

export interface EffectContext extends ApplicationScope {
  application: StoredApplication | null;
  files: ReceivedFile[];
  /**
   * Where answer saves go when they can wait for the batch's single bulk write: only
   * when no later effect of the same turn needs the row to exist already.
   */
  deferredSaves?: ApplicationSave[];
  /** What the participant did this turn, as staff read it (forwarded during a handoff). */
  said?: Exchange | null;
  /** The conversation so far, for staff taking it over. */
  recent?: Exchange[];
}

/** Effects that never read the application row, so its write may come later in the transaction. */
const independentOfRow = new Set<Effect['type']>(['saveAnswers', 'recordConsent', 'setLanguage']);

export interface EffectsOutcome {
  audit: AuditEntry[];
  facts: Record<string, string>;
  language?: 'ja' | 'en';
  /** Answers that were set to a new value by this turn. */
  answered: string[];
}

export async function applyEffects(effects: Effect[], ctx: EffectContext): Promise<EffectsOutcome> {
  const outcome: EffectsOutcome = { audit: [], facts: {}, answered: [] };
  let application = ctx.application;
  const defer = ctx.deferredSaves && effects.every((e) => independentOfRow.has(e.type)) ? ctx.deferredSaves : null;
  const save = async (answers: Answers) => {
    if (!defer) return saveAnswers(ctx, application, answers);
    const prepared = prepareAnswers(ctx, application, answers);
    defer.push(prepared.save);
    return { id: prepared.save.id, audit: prepared.audit };
  };
  for (const effect of effects) {
    switch (effect.type) {
      case 'recordConsent':
        outcome.audit.push(await recordConsent(ctx.db, {
          participantId: ctx.participantId, purpose: effect.purpose, noticeVersion: effect.noticeVersion,
          granted: effect.granted, at: ctx.now, actor: ctx.actor,
        }));
        break;
      case 'saveAnswers': {
        const before = application?.answers ?? {};
        const saved = await save(effect.answers);
        outcome.audit.push(saved.audit);
        const changed = Object.keys(effect.answers).filter((k) => effect.answers[k] !== before[k]);
        outcome.answered.push(...changed);
        // Staff see changes to a submitted application (which answers, never their values).
        if (application?.status === 'submitted' && changed.length > 0) {
          await recordNotices(ctx.db, ctx.sealer, [{ kind: 'application.updated', entityId: saved.id, detail: { fields: changed } }], ctx.now);
        }
        application = { status: 'draft', receiptNumber: null, hasDocument: false, ...application, id: saved.id, answers: effect.answers };
        break;
      }
      case 'discardDraft': {
        const entry = await discardDraft(ctx, application);
        if (entry) outcome.audit.push(entry);
        application = null;
        break;
      }
      case 'attachDocument': {
        const file = ctx.files.find((f) => f.sourceMessageId === effect.sourceMessageId);
        const current = application;
        if (!file || !current) throw new Error('attachDocument without a fetched file or an application');
        outcome.audit.push(await attachDocument(ctx.db, ctx.sealer, current.id, file, ctx.actor, ctx.now));
        if (current.status === 'submitted') await recordNotices(ctx.db, ctx.sealer, [{ kind: 'application.document', entityId: current.id }], ctx.now);
        application = { ...current, hasDocument: true };
        break;
      }
      case 'submitApplication': {
        const current = application;
        if (!current) throw new Error('submitApplication without an application');
        const submitted = await submitApplication(ctx, current);
        outcome.facts.receiptNumber = submitted.receiptNumber;
        if (submitted.audit) {
          outcome.audit.push(submitted.audit);
          await recordNotices(ctx.db, ctx.sealer, [{ kind: 'application.submitted', entityId: current.id }], ctx.now);
        }
        application = { ...current, status: 'submitted', receiptNumber: submitted.receiptNumber };
        break;
      }
      case 'withdrawApplication': {
        const current = application;
        if (!current) break;
        const entry = await withdrawApplication(ctx, current);
        if (entry) {
          outcome.audit.push(entry);
          await recordNotices(ctx.db, ctx.sealer, [{ kind: 'application.withdrawn', entityId: current.id }], ctx.now);
        }
        application = { ...current, status: 'withdrawn' };
        break;
      }
      case 'openHandoff': {
        // Staff get the lines without message ids (only the sealed state needs those, for unsend).
        const recent = [...(ctx.recent ?? []), ...(ctx.said ? [ctx.said] : [])].map(({ messageId: _id, ...line }) => line);
        const entry = await openHandoff(ctx.db, ctx.sealer, { participantId: ctx.participantId, reason: effect.reason, now: ctx.now, actor: ctx.actor, recent });
        if (entry) outcome.audit.push(entry);
        break;
      }
      case 'forwardToStaff':
        if (ctx.said) await forwardToStaff(ctx.db, ctx.sealer, ctx.participantId, ctx.said, ctx.now);
        break;
      case 'endHandoff': {
        const entry = await endHandoffByParticipant(ctx.db, ctx.sealer, { participantId: ctx.participantId, now: ctx.now, actor: ctx.actor });
        if (entry) outcome.audit.push(entry);
        break;
      }
      case 'setLanguage':
        await setLanguage(ctx.db, ctx.participantId, effect.language, ctx.now);
        outcome.language = effect.language;
        outcome.audit.push({
          actor: ctx.actor, action: 'participant.languageChanged', entity: 'participant', entityId: ctx.participantId,
          detail: { language: effect.language },
        });
        break;
    }
  }
  return outcome;
}
