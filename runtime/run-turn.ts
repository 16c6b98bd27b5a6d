/**
 * Turns of conversations, in one transaction: lock and load each participant's state and
 * every flow module's facts, run the pure flow, carry out its effects, let the flow answer
 * from what they came to, save the new states, write the outbox rows for the answers and
 * the audit entries.
 *
 * Several participants' turns share one transaction (a batch): the reads and the common
 * writes are one statement each for the whole batch (the facts one per module), so the
 * database cost per event shrinks as load grows. Each turn's own writes run in a
 * savepoint (turn-savepoint.ts): a turn whose effects fail (a unique violation, a bug) is
 * taken back alone and comes back `failed`, for its caller to answer that one person with
 * the apology, while the batch's other turns commit with their real answers. A failure
 * outside any one turn (loading, the common writes, a renderer that throws) rejects the
 * whole call and writes nothing; callers then run the turns one by one. A batch never
 * holds two turns of the same participant.
 */
import { redactMyNumbersDeep } from '../flows/validators/my-number.ts';
import {
  flowEngine, translateText, type ChannelInput, type ConversationState, type EffectOutcome, type FlowDeps, type FlowEngine,
  type FlowInput, type FlowMessage, type Language, type StepResult,
} from '../flows/index.ts';
import type { ProgramConfig } from '../flows/program.ts';
import { appendAudit, type AuditEntry } from '../core/audit/audit-log.ts';
import type { Exchange } from '../core/handoff/handoff.service.ts';
import type { ReceivedFile } from '../core/applications/document.service.ts';
import { loadConversations, saveConversations, type LoadedConversation } from '../core/conversation/conversation.repository.ts';
import type { Sealer } from '../core/crypto/sealer.ts';
import type pg from 'pg';
import { inTransaction } from '../core/db/pg-transaction.ts';
import type { SqlClient } from '../core/db/types.ts';
import { serverModules } from '../core/modules/server-modules.ts';
import { loadModuleFacts, type ServerRegistry } from '../core/modules/server-registry.ts';
import { createOutboxRows, type NewOutboxRow } from '../core/outbox/outbox.repository.ts';
import { flowContent, type OutboxContent } from '../core/outbox/outbox-content.ts';
import { consumeInboxEvents, markConsumedFailed, stillPending } from '../core/inbox/inbox.repository.ts';
import { applyEffects, type EffectsApplied } from './apply-effects.ts';
import { rememberSource } from './message-sources.ts';
import { describeInput, rememberExchange } from './recent-exchanges.ts';
import { isolated } from './turn-savepoint.ts';
import { notificationRows } from './notify-participants.ts';
import type { Notification } from '../core/modules/server-module.ts';

/** The flow modules turns run: the engine over them and their server sides. */
export interface TurnModules {
  flows: FlowEngine;
  server: ServerRegistry;
}

/** The program's modules (flows/modules.ts, core/modules/server-modules.ts). */
const programModules: TurnModules = { flows: flowEngine, server: serverModules };

export interface TurnServices {
  /** Turns run on plain node-postgres connections (pg-transaction.ts). */
  sql: pg.Pool;
  sealer: Sealer;
  program: ProgramConfig;
  /** Someone can take a conversation over (the human inbox is configured). */
  handoffAvailable?: boolean;
  /** Other modules than the program's (tests of the module mechanism). */
  modules?: TurnModules;
  /** Where this server is reached from outside: images it serves (a ticket's QR code) are linked there. */
  publicUrl?: string;
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
  /** Extra writes that belong to the same turn (e.g. marking a follower reachable); taken back with it if it fails. */
  within?: (db: SqlClient) => Promise<AuditEntry[]>;
}

export type TurnResult =
  /** `notified`: the outbox rows its effects wrote for other people, due now (handed to the worker after commit). */
  | { status: 'done'; rendered: unknown[]; outboxId: string | null; language: Language; notified: string[] }
  /** Its inbox row was consumed by another turn before: nothing to do. */
  | { status: 'duplicate' }
  /** Its inbox row stays pending behind an older event of the same person: run that first, then this again. */
  | { status: 'held' }
  /**
   * This turn failed and nothing of it was kept (its inbox row is marked failed); the
   * other turns of the batch went on. The caller answers the person with the apology.
   */
  | { status: 'failed'; error: unknown };

/** Runs turns of distinct participants in one transaction; results come back in order. */
export async function runTurns(services: TurnServices, requests: TurnRequest[]): Promise<TurnResult[]> {
  const ids = requests.map((r) => r.participantId);
  if (new Set(ids).size !== ids.length) throw new Error('a batch holds at most one turn per participant');
  const { sql, sealer, program } = services;
  const modules = services.modules ?? programModules;
  return inTransaction(sql, async (db) => {
    const now = requests[0]!.now;
    const inboxIds = requests.flatMap((r) => (r.inboxEventId ? [r.inboxEventId] : []));
    const consumed = await consumeInboxEvents(db, inboxIds, now);
    const held = await stillPending(db, inboxIds.filter((id) => !consumed.has(id)));
    const live = requests.filter((r) => !r.inboxEventId || consumed.has(r.inboxEventId));
    const liveIds = live.map((r) => r.participantId);
    const conversations = liveIds.length > 0 ? await loadConversations(db, sealer, liveIds) : new Map<string, LoadedConversation>();
    const factsOf = liveIds.length > 0 ? await loadModuleFacts(db, modules.server, { sealer, program, publicUrl: services.publicUrl }, liveIds) : () => ({});

    /** By participant: a batch holds one turn per participant. */
    const failed = new Map<string, unknown>();
    // First every flow runs (pure). An unsend must first remove what the message became,
    // in the database: that turn's flow runs later, inside its savepoint.
    const turns: Turn[] = [];
    for (const original of live) {
      const request = withoutMyNumbers(original);
      const turn: Turn = {
        request, actor: `${request.channel ?? 'line'}:${request.participantId}`,
        loaded: conversations.get(request.participantId)!, facts: factsOf(request.participantId),
      };
      if (request.input.type !== 'unsend') {
        try {
          turn.stepped = step(services, modules.flows, turn, request.input, turn.loaded.state, turn.facts);
        } catch (error) {
          failed.set(request.participantId, error);
          continue;
        }
      }
      turns.push(turn);
    }

    // Then the effects, each turn in its own savepoint; turns that take a lock held until
    // commit (the contest's receipt counter) go last, to hold it as briefly as they can.
    const late = (turn: Turn) => turn.stepped !== undefined && modules.server.runsLate(turn.stepped.step.effects);
    const done: Done[] = [];
    for (const turn of [...turns.filter((t) => !late(t)), ...inLockOrder(turns.filter(late), modules.server)]) {
      const deferred = new Map<string, unknown[]>();
      const ran = await isolated(db, (tx) => runTurn(tx, services, modules, turn, deferred));
      if (!ran.ok) {
        failed.set(turn.request.participantId, ran.error);
        continue;
      }
      const { stepped, applied, answered, audit } = ran.value;
      const language = applied.language ?? turn.loaded.language;
      // Outside the savepoint: a renderer that throws is the channel's bug, not this person's turn.
      const facts = outcomeFacts(applied.outcomes);
      const rendered = turn.request.render(answered.messages, language, facts);
      const remembered = rememberSource(stepped.state, answered.state, stepped.input, applied.answered);
      // The flow returns a fresh state; the recent exchanges carry over from the one it was given.
      const state = rememberExchange({ ...remembered, recent: stepped.state.recent }, stepped.said, rendered);
      done.push({ request: turn.request, state, content: flowContent(answered.messages, facts), rendered, language, audit, deferred, notify: applied.notify });
    }

    for (const module of modules.server.modules) {
      const writes = done.flatMap((d) => d.deferred.get(module.id) ?? []);
      if (writes.length > 0) await module.deferred!.write(db, writes, now);
    }
    await saveConversations(db, sealer, done.map((d) => ({ participantId: d.request.participantId, state: d.state })), now);
    const answering = done.filter((d) => d.rendered.length > 0);
    const outboxIds = await createOutboxRows(db, sealer, answering.map((d): NewOutboxRow => ({
      participantId: d.request.participantId, content: d.content, kind: 'reply',
      notBefore: new Date(d.request.now.getTime() + d.request.replyWindowMs), reply: d.request.reply,
    })), now);
    const outboxOf = new Map(answering.map((d, i) => [d.request.participantId, outboxIds[i]!]));
    const notifiedIds = await createOutboxRows(db, sealer, notificationRows(done.flatMap((d) => d.notify), now), now);
    const notifiedOf = new Map<string, string[]>();
    let next = 0;
    for (const d of done) notifiedOf.set(d.request.participantId, notifiedIds.slice(next, (next += d.notify.length)));
    await markConsumedFailed(db, live.flatMap((r) => (r.inboxEventId && failed.has(r.participantId) ? [r.inboxEventId] : [])), now);
    // Last: the audit chain's lock is held from here until commit.
    await appendAudit(db, done.flatMap((d) => d.audit), now);

    const answered = new Map(done.map((d) => [d.request.participantId, d]));
    return requests.map((request): TurnResult => {
      if (failed.has(request.participantId)) return { status: 'failed', error: failed.get(request.participantId) };
      const turn = answered.get(request.participantId);
      if (!turn) return { status: request.inboxEventId && held.has(request.inboxEventId) ? 'held' : 'duplicate' };
      return {
        status: 'done', rendered: turn.rendered, outboxId: outboxOf.get(request.participantId) ?? null, language: turn.language,
        notified: notifiedOf.get(request.participantId) ?? [],
      };
    });
  });
}

/** One live turn, loaded; `stepped` once its flow ran. */
interface Turn {
  request: TurnRequest;
  actor: string;
  loaded: LoadedConversation;
  /** Every module's facts for the participant, by module id. */
  facts: Record<string, unknown>;
  stepped?: Stepped;
}

/** A turn after its flow ran, before its effects. */
interface Stepped {
  input: FlowInput;
  state: ConversationState;
  deps: FlowDeps;
  step: StepResult;
  said: Exchange | null;
}

/** A turn whose effects committed (to their savepoint), with what the batch writes for it. */
interface Done {
  request: TurnRequest;
  state: ConversationState;
  /** The answer as the outbox keeps it; `rendered` is the same for the reply sent now. */
  content: OutboxContent;
  rendered: unknown[];
  language: Language;
  audit: AuditEntry[];
  /** Its modules' writes that wait for the batch's bulk statements. */
  deferred: Map<string, unknown[]>;
  /** Messages its effects left for other people. */
  notify: Notification[];
}

/**
 * Late turns by their first effect's type: every batch takes the locks those effects
 * hold until commit (the contest's receipt counter, the event's places) in the same
 * order, so two batches never wait for each other.
 */
function inLockOrder(turns: Turn[], server: ServerRegistry): Turn[] {
  const key = (turn: Turn) => server.lockKeyOf(turn.stepped?.step.effects ?? []);
  return [...turns].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function step(services: TurnServices, flows: FlowEngine, turn: Turn, input: FlowInput, state: ConversationState, facts: Record<string, unknown>): Stepped {
  const { loaded, request } = turn;
  const deps: FlowDeps = {
    now: request.now, program: services.program, language: loaded.language, facts,
    handoffOpen: loaded.handoffOpen, handoffAvailable: services.handoffAvailable ?? false,
  };
  const result = flows.advance(state, input, deps);
  const label = input.type === 'choice' ? flows.choiceLabel(state, input.value, deps) : null;
  return { input, state, deps, step: result, said: describeInput(input, label && translateText(label, loaded.language)) };
}

/** A turn's own writes (the unsend it resolves, its extra writes, its effects) and the flow's answer; in its savepoint. */
async function runTurn(
  db: SqlClient, services: TurnServices, modules: TurnModules, turn: Turn, deferred: Map<string, unknown[]>,
): Promise<{ stepped: Stepped; applied: EffectsApplied; answered: StepResult; audit: AuditEntry[] }> {
  const audit: AuditEntry[] = [];
  let stepped = turn.stepped;
  if (!stepped) {
    const unsent = await forgetUnsent(db, services, modules.server, turn);
    audit.push(...unsent.audit);
    stepped = step(services, modules.flows, turn, unsent.input, unsent.state, unsent.facts);
  }
  if (turn.request.within) audit.push(...await turn.request.within(db));
  const { request } = turn;
  const applied = await applyEffects(stepped.step.effects, {
    db, sealer: services.sealer, program: services.program, publicUrl: services.publicUrl, modules: modules.server,
    participantId: request.participantId, actor: turn.actor, now: request.now, facts: stepped.deps.facts,
    files: request.files ?? [], deferred, said: stepped.said, recent: stepped.state.recent ?? [],
  });
  audit.push(...applied.audit);
  const after = { ...stepped.deps, facts: applied.facts, language: applied.language ?? stepped.deps.language };
  return { stepped, applied, answered: modules.flows.answer(stepped.step, applied.outcomes, after), audit };
}

/**
 * An unsend, resolved in the turn's transaction: each module removes what the message
 * became (`forgetMessage`), and the flow is told which answers went (and which could not),
 * with the state and facts as they are now.
 */
async function forgetUnsent(
  db: SqlClient, services: TurnServices, server: ServerRegistry, turn: Turn,
): Promise<{ input: FlowInput; state: ConversationState; facts: Record<string, unknown>; audit: AuditEntry[] }> {
  const { request } = turn;
  const messageId = request.input.type === 'unsend' ? request.input.messageId : '';
  let state = turn.loaded.state;
  const facts = { ...turn.facts };
  const removed: string[] = [];
  const kept: string[] = [];
  const audit: AuditEntry[] = [];
  for (const module of server.modules) {
    if (!module.forgetMessage) continue;
    const forgotten = await module.forgetMessage({
      db, sealer: services.sealer, program: services.program, participantId: request.participantId, messageId,
      actor: turn.actor, now: request.now, state, facts: facts[module.id],
    });
    state = forgotten.state;
    facts[module.id] = forgotten.facts;
    removed.push(...forgotten.removed);
    kept.push(...forgotten.kept);
    audit.push(...forgotten.audit);
  }
  return { input: { type: 'unsent', removed, kept }, state, facts, audit };
}

/** The values messages refer to by `FactRef`, from what the effects came to. */
function outcomeFacts(outcomes: ReadonlyArray<{ outcome: EffectOutcome }>): Record<string, string> {
  return Object.assign({}, ...outcomes.map((o) => o.outcome.facts ?? {})) as Record<string, string>;
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
