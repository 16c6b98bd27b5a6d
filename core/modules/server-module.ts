/**
 * The server side of a flow module: the facts its flows read, loaded for a whole batch of
 * turns in one query, and a handler for each of its effects, each calling a core service
 * inside the turn's transaction. The flow side is in flows/ (FlowModule); the two are
 * paired by id (server-modules.ts lists them). docs/ARCHITECTURE.md "Adding a flow module".
 */
import type { ConversationState, EffectBase, FlowMessage, ModuleTypes, ProgramConfig } from '../../flows/index.ts';
import type { ReceivedFile } from '../applications/document.service.ts';
import type { AuditEntry } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { SqlClient } from '../db/types.ts';
import type { ModuleReminders } from '../schedules/reminder.ts';

/** What loaders and handlers use besides the connection. */
export interface ModuleScope {
  sealer: Sealer;
  program: ProgramConfig;
  /** Where this server is reached from outside (images such as a ticket's QR code are served there). */
  publicUrl?: string;
}

/** One participant's turn as an effect handler sees it. */
export interface EffectTurn<Stored, Deferred = never> extends ModuleScope {
  db: SqlClient;
  participantId: string;
  /** Who acts, for the audit log (`line:<participant id>`). */
  actor: string;
  now: Date;
  /** The module's facts for this participant, as the turn's earlier effects left them. */
  facts: Stored;
  /** Files fetched for this turn (a PDF sent with the message). */
  files: readonly ReceivedFile[];
  /** All of the turn's effects, in order: a write may wait for the batch only if no later effect reads its row. */
  effects: readonly EffectBase[];
  /** Hands a write to the batch's one bulk statement (`ServerModule.deferred`); absent when it must happen now. */
  defer?: (write: Deferred) => void;
}

/** What a handler did: the facts after it, what it came to, its audit entries. */
export interface Handled<T extends ModuleTypes, Stored> {
  /** Absent: the facts did not change. */
  facts?: Stored;
  /** What the flow answers from (FlowModule.answer); a domain refusal is an outcome, not an exception. */
  outcome?: T['outcome'];
  audit?: AuditEntry[];
  /** Answers this effect set to a new value, so an unsend of the message can take them back. */
  answered?: string[];
  /**
   * Other people this effect concerns (someone who got a place because this person
   * cancelled): the runtime renders the messages for each one's channel and language and
   * writes them to the outbox in the same transaction, for the worker to push.
   */
  notify?: Notification[];
}

/** Messages for someone other than the person whose turn it is, pushed through the outbox. */
export interface Notification {
  participantId: string;
  messages: FlowMessage[];
  /** What it is, on the outbox row (`event-promoted`). */
  kind: string;
  /** What it is about (the registration that was promoted). */
  about?: { entity: string; id: string };
}

/**
 * Handles one effect type. Throwing is for what must not happen (a bug, a broken
 * invariant): the turn is rolled back to its savepoint and the person gets the apology,
 * while the other turns of the batch go on.
 */
export type EffectHandler<E, T extends ModuleTypes, Stored, Deferred> =
  (effect: E, turn: EffectTurn<Stored, Deferred>) => Promise<Handled<T, Stored>>;

/** A message the person took back, for the module to remove what it became. */
export interface UnsendTurn<Stored> extends ModuleScope {
  db: SqlClient;
  participantId: string;
  messageId: string;
  actor: string;
  now: Date;
  state: ConversationState;
  facts: Stored;
}

export interface Forgotten<Stored> {
  state: ConversationState;
  facts: Stored;
  /** Answers (step ids) that went with the message, and those that had to stay. */
  removed: string[];
  kept: string[];
  audit: AuditEntry[];
}

/**
 * `T` are the module's types from flows/ (`ContestTypes`); `Stored` its facts as core
 * holds them (the flow's facts plus row ids the flow never needs); `Deferred` a write
 * that can wait for the batch's bulk statement.
 */
export interface ServerModule<Id extends string, T extends ModuleTypes, Stored extends T['facts'] = T['facts'], Deferred = never> {
  id: Id;
  /** The facts of many participants in one query; called once per module per batch. */
  loadFacts(db: SqlClient, scope: ModuleScope, participantIds: readonly string[]): Promise<(participantId: string) => Stored>;
  /** One handler per effect type of the module (the type checker asks for each). */
  handlers: { [K in T['effect']['type']]: EffectHandler<Extract<T['effect'], { type: K }>, T, Stored, Deferred> };
  /**
   * Effect types whose turns run last in a batch: they take a lock held until commit
   * (the contest's receipt counter), so they take it as late as they can.
   */
  lateEffects?: ReadonlyArray<T['effect']['type']>;
  /**
   * Late turns of a batch run in the order of this key (default: the effect type), so every
   * batch takes the locks they need in one global order and two batches never wait for
   * each other in a cycle: a module whose effects lock one of several rows (a seminar)
   * names the row, so batches lock them in ascending order.
   */
  lockKey?(effect: T['effect']): string;
  /** Writes handed over with `defer`, written for all the batch's surviving turns in one statement. */
  deferred?: { write(db: SqlClient, writes: Deferred[], now: Date): Promise<void> };
  /** Removes what an unsent message became (an answer, a document). */
  forgetMessage?(turn: UnsendTurn<Stored>): Promise<Forgotten<Stored>>;
  /** The module's reminders and the schedules its configuration implies (core/schedules/). */
  reminders?: ModuleReminders;
}

/**
 * Any server module, types erased, as the registry and the runtime hold them; each is
 * checked against its own flow types where it is defined.
 */
export type AnyServerModule = ServerModule<string, any, any, any>;
