/**
 * Turns of conversations, in one transaction: lock and load each participant's state,
 * run the pure flow, carry out its effects, save the new states, write the outbox rows
 * for the answers and the audit entries. Either all of it commits or none of it does.
 *
 * Several participants' turns can share one transaction (a batch): the reads and the
 * common writes are one statement each for the whole batch, so the database cost per
 * event shrinks as load grows. A batch never holds two turns of the same participant.
 */
import { advance, type ConversationState, type FlowInput, type FlowMessage, type Language } from '../../flows/index.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import { appendAudit, type AuditEntry } from '../../core/audit/audit-log.ts';
import { findApplications } from '../../core/applications/application.repository.ts';
import { writeApplicationSaves, type ApplicationSave } from '../../core/applications/application.service.ts';
import type { ReceivedFile } from '../../core/applications/document.service.ts';
import { loadConversations, saveConversations } from '../../core/conversation/conversation.repository.ts';
import type { Sealer } from '../../core/crypto/sealer.ts';
import type pg from 'pg';
import { inTransaction } from '../../core/db/pg-transaction.ts';
import type { SqlDb } from '../../core/db/types.ts';
import { createOutboxRows, type NewOutboxRow } from '../../core/outbox/outbox.repository.ts';
import { consumeInboxEvents, stillPending } from '../../core/inbox/inbox.repository.ts';
import { applyEffects } from './apply-effects.ts';
import { rememberSource } from './message-sources.ts';
import { rememberExchange } from './recent-exchanges.ts';

export interface TurnServices {
  /** Turns run on plain node-postgres connections (pg-transaction.ts). */
  sql: pg.Pool;
  sealer: Sealer;
  program: ProgramConfig;
  /** Someone can take a conversation over (the human inbox is configured). */
  handoffAvailable?: boolean;
}

export interface TurnRequest {
  participantId: string;
  input: FlowInput;
  now: Date;
  files?: ReceivedFile[];
  /** The inbox row this turn consumes; the turn is skipped if it was consumed already, or held back while an older one of the person is pending. */
  inboxEventId?: string;
  /** The reply token of the event answered and when the event happened, kept on the outbox row until it is settled. */
  reply?: { token: string; at: Date };
  /** Turns the flow's messages into channel messages for the outbox row. */
  render: (messages: FlowMessage[], language: Language, facts: Record<string, string>) => unknown[];
  /** The answer is sent as a reply first; the outbox row becomes due for push after this. */
  replyWindowMs: number;
  /** Where the person wrote from, for the audit log's actor (`line:` or `discord:` and the participant id). */
  channel?: 'line' | 'discord';
  /** Extra writes that belong to the same turn (e.g. marking a follower reachable). */
  within?: (db: SqlDb) => Promise<AuditEntry[]>;
}

export type TurnResult =
  | { status: 'done'; rendered: unknown[]; outboxId: string | null; language: Language }
  /** Its inbox row was consumed by another turn before: nothing to do. */
  | { status: 'duplicate' }
  /** Its inbox row stays pending behind an older event of the same person: run that first, then this again. */
  | { status: 'held' };

/** Runs turns of distinct participants in one transaction; results come back in order. */
export async function runTurns(services: TurnServices, requests: TurnRequest[]): Promise<TurnResult[]> {
  const ids = requests.map((r) => r.participantId);
  if (new Set(ids).size !== ids.length) throw new Error('a batch holds at most one turn per participant');
  const { sql, sealer, program } = services;
  return inTransaction(sql, async (db) => {
    const inboxIds = requests.flatMap((r) => (r.inboxEventId ? [r.inboxEventId] : []));
    const consumed = await consumeInboxEvents(db, inboxIds, requests[0]!.now);
    const held = await stillPending(db, inboxIds.filter((id) => !consumed.has(id)));
    const live = requests.filter((r) => !r.inboxEventId || consumed.has(r.inboxEventId));
    const liveIds = live.map((r) => r.participantId);
    const conversations = liveIds.length > 0 ? await loadConversations(db, sealer, liveIds) : new Map();
    const applications = liveIds.length > 0 ? await findApplications(db, sealer, program.contest.id, liveIds) : new Map();

    const saves: ApplicationSave[] = [];
    const states: Array<{ participantId: string; state: ConversationState }> = [];
    const outbox: NewOutboxRow[] = [];
    const audit: AuditEntry[] = [];
    const results = new Map<TurnRequest, { rendered: unknown[]; language: Language; outboxIndex: number | null }>();

    // The flows first (pure), then the effects, submissions last: a submission locks the
    // contest's receipt counter until commit, so it should take it as late as it can.
    const stepped = live.map((request) => {
      const { state, language, handoffOpen } = conversations.get(request.participantId)!;
      const application = applications.get(request.participantId) ?? null;
      const step = advance(state, request.input, { now: request.now, program, language, application, handoffOpen, handoffAvailable: services.handoffAvailable ?? false });
      return { request, state, language, application, step };
    });
    const submits = (s: (typeof stepped)[number]) => s.step.effects.some((e) => e.type === 'submitApplication');
    const ordered = [...stepped.filter((s) => !submits(s)), ...stepped.filter(submits)];

    for (const { request, state, language, application, step } of ordered) {
      if (request.within) audit.push(...await request.within(db));
      const outcome = await applyEffects(step.effects, {
        db, sealer, contest: program.contest, participantId: request.participantId,
        actor: `${request.channel ?? 'line'}:${request.participantId}`, now: request.now, application, files: request.files ?? [],
        deferredSaves: saves, input: request.input, recent: state.recent ?? [],
      });
      audit.push(...outcome.audit);
      const finalLanguage = outcome.language ?? language;
      const rendered = request.render(step.messages, finalLanguage, outcome.facts);
      const remembered = rememberSource(state, step.state, request.input, outcome.answered);
      // The flow returns a fresh state; the recent exchanges carry over from the one it was given.
      states.push({ participantId: request.participantId, state: rememberExchange({ ...remembered, recent: state.recent }, request.input, rendered) });
      let outboxIndex: number | null = null;
      if (rendered.length > 0) {
        outboxIndex = outbox.length;
        outbox.push({
          participantId: request.participantId, messages: rendered, reason: 'reply',
          notBefore: new Date(request.now.getTime() + request.replyWindowMs), reply: request.reply,
        });
      }
      results.set(request, { rendered, language: finalLanguage, outboxIndex });
    }

    await writeApplicationSaves(db, saves, requests[0]!.now);
    await saveConversations(db, sealer, states);
    const outboxIds = await createOutboxRows(db, sealer, outbox);
    // Last: the audit chain's lock is held from here until commit.
    await appendAudit(db, audit, requests[0]!.now);

    return requests.map((request): TurnResult => {
      const done = results.get(request);
      if (!done) return { status: request.inboxEventId && held.has(request.inboxEventId) ? 'held' : 'duplicate' };
      const outboxId = done.outboxIndex === null ? null : outboxIds[done.outboxIndex]!;
      return { status: 'done', rendered: done.rendered, outboxId, language: done.language };
    });
  });
}
