/**
 * Turns of conversations, in one transaction: lock and load each participant's state,
 * run the pure flow, carry out its effects, save the new states, write the outbox rows
 * for the answers and the audit entries. Either all of it commits or none of it does.
 *
 * Several participants' turns can share one transaction (a batch): the reads and the
 * common writes are one statement each for the whole batch, so the database cost per
 * event shrinks as load grows. A batch never holds two turns of the same participant.
 */
import { redactMyNumbersDeep } from '../flows/validators/my-number.ts';
import { advance, choiceLabel, translateText, type ChannelInput, type ConversationState, type FlowInput, type FlowMessage, type Language, type StepResult } from '../flows/index.ts';
import type { ProgramConfig } from '../flows/program.ts';
import { appendAudit, type AuditEntry } from '../core/audit/audit-log.ts';
import { findApplications, type StoredApplication } from '../core/applications/application.repository.ts';
import type { Exchange } from '../core/handoff/handoff.service.ts';
import { writeApplicationSaves, type ApplicationSave } from '../core/applications/application.service.ts';
import type { ReceivedFile } from '../core/applications/document.service.ts';
import { loadConversations, saveConversations } from '../core/conversation/conversation.repository.ts';
import type { Sealer } from '../core/crypto/sealer.ts';
import type pg from 'pg';
import { inTransaction } from '../core/db/pg-transaction.ts';
import type { SqlClient } from '../core/db/types.ts';
import { createOutboxRows, type NewOutboxRow } from '../core/outbox/outbox.repository.ts';
import { consumeInboxEvents, stillPending } from '../core/inbox/inbox.repository.ts';
import { applyEffects } from './apply-effects.ts';
import { rememberSource } from './message-sources.ts';
import { describeInput, rememberExchange } from './recent-exchanges.ts';
import { forgetUnsentMessage } from '../core/applications/unsend.service.ts';

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
  input: ChannelInput;
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
  within?: (db: SqlClient) => Promise<AuditEntry[]>;
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
    /** By participant: a batch holds one turn per participant. */
    const results = new Map<string, { rendered: unknown[]; language: Language; outboxIndex: number | null }>();

    // Each turn's input is resolved first (an unsend removes what it took back), then the
    // flows run (pure), then the effects, submissions last: a submission locks the
    // contest's receipt counter until commit, so it should take it as late as it can.
    const stepped: Stepped[] = [];
    for (const original of live) {
      const request = withoutMyNumbers(original);
      const actor = `${request.channel ?? 'line'}:${request.participantId}`;
      const loaded = conversations.get(request.participantId)!;
      const { input, state, application } = await resolveInput(db, services, request, actor, loaded.state, applications.get(request.participantId) ?? null, audit);
      const deps = { now: request.now, program, language: loaded.language, application, handoffOpen: loaded.handoffOpen, handoffAvailable: services.handoffAvailable ?? false };
      const step = advance(state, input, deps);
      const label = input.type === 'choice' ? choiceLabel(state, input.value, deps) : null;
      const said = describeInput(input, label && translateText(label, loaded.language));
      stepped.push({ request, actor, input, said, state, language: loaded.language, application, step });
    }
    const submits = (s: (typeof stepped)[number]) => s.step.effects.some((e) => e.type === 'submitApplication');
    const ordered = [...stepped.filter((s) => !submits(s)), ...stepped.filter(submits)];

    for (const { request, actor, input, said, state, language, application, step } of ordered) {
      if (request.within) audit.push(...await request.within(db));
      const outcome = await applyEffects(step.effects, {
        db, sealer, contest: program.contest, participantId: request.participantId,
        actor, now: request.now, application, files: request.files ?? [],
        deferredSaves: saves, said, recent: state.recent ?? [],
      });
      audit.push(...outcome.audit);
      const finalLanguage = outcome.language ?? language;
      const rendered = request.render(step.messages, finalLanguage, outcome.facts);
      const remembered = rememberSource(state, step.state, input, outcome.answered);
      // The flow returns a fresh state; the recent exchanges carry over from the one it was given.
      states.push({ participantId: request.participantId, state: rememberExchange({ ...remembered, recent: state.recent }, said, rendered) });
      let outboxIndex: number | null = null;
      if (rendered.length > 0) {
        outboxIndex = outbox.length;
        outbox.push({
          participantId: request.participantId, messages: rendered, reason: 'reply',
          notBefore: new Date(request.now.getTime() + request.replyWindowMs), reply: request.reply,
        });
      }
      results.set(request.participantId, { rendered, language: finalLanguage, outboxIndex });
    }

    await writeApplicationSaves(db, saves, requests[0]!.now);
    await saveConversations(db, sealer, states, requests[0]!.now);
    const outboxIds = await createOutboxRows(db, sealer, outbox, requests[0]!.now);
    // Last: the audit chain's lock is held from here until commit.
    await appendAudit(db, audit, requests[0]!.now);

    return requests.map((request): TurnResult => {
      const done = results.get(request.participantId);
      if (!done) return { status: request.inboxEventId && held.has(request.inboxEventId) ? 'held' : 'duplicate' };
      const outboxId = done.outboxIndex === null ? null : outboxIds[done.outboxIndex]!;
      return { status: 'done', rendered: done.rendered, outboxId, language: done.language };
    });
  });
}

/**
 * The flow input of a turn. An unsend is resolved here, in the turn's transaction: what
 * the message became is removed (`forgetUnsentMessage`), and the flow is told which
 * answers went (and which could not), with the state and application as they are now.
 */
async function resolveInput(
  db: SqlClient, services: TurnServices, request: TurnRequest, actor: string,
  state: ConversationState, application: StoredApplication | null, audit: AuditEntry[],
): Promise<{ input: FlowInput; state: ConversationState; application: StoredApplication | null }> {
  if (request.input.type !== 'unsend') return { input: request.input, state, application };
  const unsent = await forgetUnsentMessage(db, services.sealer, services.program, {
    participantId: request.participantId, messageId: request.input.messageId, state, application, actor, now: request.now,
  });
  audit.push(...unsent.audit);
  return { input: { type: 'unsent', removed: unsent.removed, kept: unsent.kept }, state: unsent.state, application: unsent.application };
}

/** One turn after its flow ran, before its effects. */
interface Stepped {
  request: TurnRequest;
  actor: string;
  input: FlowInput;
  said: Exchange | null;
  state: ConversationState;
  language: Language;
  application: StoredApplication | null;
  step: StepResult;
}

/** Identifiers inside an input or a received file, never the person's words. */
const INPUT_IDS: ReadonlySet<string> = new Set(['type', 'messageId', 'sourceMessageId', 'content', 'sha256']);

/**
 * The turn's input and received files with every Individual Number cut out, whichever
 * channel they came from: what a flow sees is what may be kept (answers, the recent
 * conversation, the inbox thread), and a flow refuses an answer that holds the mark.
 */
function withoutMyNumbers(request: TurnRequest): TurnRequest {
  const input = redactMyNumbersDeep(request.input, INPUT_IDS);
  const files = request.files && redactMyNumbersDeep(request.files, INPUT_IDS);
  return input === request.input && files === request.files ? request : { ...request, input, files };
}
