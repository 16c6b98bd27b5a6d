/**
 * The one turn pipeline, for every channel: LINE (line-event-processor.ts; the console
 * too, through the fake LINE webhook) and Discord DMs (bot/discord/dm-participants.ts).
 * A channel supplies only its adapter (channels/channel-adapter.ts); everything else is
 * here, once:
 *
 * - per-person order: one person's events one at a time, in the order dispatched;
 *   different people's turns batched into one transaction (batch-scheduler.ts, run-turn.ts);
 * - the participant, found or made on first contact (channel-participants.ts);
 * - a file received under the program's one rule (core/files/file-rule.ts): the adapter
 *   only fetches the bytes, never more than the rule allows;
 * - the answer: a reply to the event right after commit, the outbox row handed to the
 *   worker when the reply fails or the event cannot be replied to (answer-delivery.ts);
 * - an apology, as a reply, when an event fails: nothing of it was written, so the draft
 *   is intact and the person can send it again.
 *
 * How an event reaches one process only is the channel's {@link Intake}: LINE's webhook
 * events are stored in the inbox before they run (a turn consumes its row; an event
 * behind an older pending one of its person is held and caught up, catch-up.ts; what a
 * stopped process left is replayed, replay-pending.ts). Discord's gateway sends every
 * event to every connected process and never again, so each event is claimed instead (a
 * processed inbox row): only the claimant runs it, and nothing is replayed.
 */
import type pg from 'pg';
import type { FlowMessage } from '../flows/index.ts';
import type { ProgramConfig } from '../flows/program.ts';
import { appendAudit } from '../core/audit/audit-log.ts';
import type { Sealer } from '../core/crypto/sealer.ts';
import { inTransaction, sqlClient } from '../core/db/pg-transaction.ts';
import type { SqlClient } from '../core/db/types.ts';
import { errorFields } from '../core/error-fields.ts';
import { fileRule, receiveFile, type FileRule } from '../core/files/file-rule.ts';
import { markInboxFailed, markInboxProcessed, stillPending } from '../core/inbox/inbox.repository.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { setReachable } from '../core/participants/participant.service.ts';
import type { ChannelAction, ChannelAdapter } from '../channels/channel-adapter.ts';
import { AnswerDelivery, type DueOutbox } from './answer-delivery.ts';
import { BatchScheduler, type FollowUp } from './batch-scheduler.ts';
import { ChannelParticipants } from './channel-participants.ts';
import { runTurns, type TurnRequest, type TurnResult } from './run-turn.ts';

/** How a channel's events reach exactly one process. */
export type Intake<Event> =
  /** Stored in the inbox before they run (LINE): `idOf` names the row a turn consumes; a held event's older ones run first. */
  | { kind: 'inbox'; idOf(event: Event): string; catchUp(held: Event): Promise<Event[]> }
  /** Claimed as they arrive (Discord's gateway): an event another process claimed is skipped. */
  | { kind: 'claimed'; claimed(event: Event): Promise<boolean> };

export interface TurnPipelineOptions<Event, ReplyTo, Message> {
  adapter: ChannelAdapter<Event, ReplyTo, Message>;
  intake: Intake<Event>;
  /** Every statement runs on this pool; turns in transactions of their own (run-turn.ts). */
  sql: pg.Pool;
  sealer: Sealer;
  program: ProgramConfig;
  /** Someone can take a conversation over (the human inbox is configured). */
  handoffAvailable?: boolean;
  /** Where this server is reached from outside: images it serves (a ticket's QR code) are linked there. */
  publicUrl?: string;
  outbox: DueOutbox;
  logger: Logger;
  /** Events by type and outcome, turn time, backlog; without it nothing is counted. */
  metrics?: Metrics;
  clock?: () => Date;
  /** Batches processed at once (each holds one pooled connection). */
  concurrency?: number;
  /** Most turns in one batch. */
  maxBatch?: number;
  /** Show the channel's busy indicator when a turn takes longer than this. */
  loadingAfterMs?: number;
  /** Told the backlog whenever it changes (a processing thread reports it to the web thread). */
  onBacklog?: (size: number) => void;
}

/** How one event ended up: done (answered, recorded), already taken (by another turn or process), held back behind an older one, or failed. */
type Outcome = 'done' | 'duplicate' | 'held' | 'failed';
interface Item<Event, ReplyTo> {
  event: Event;
  action: ChannelAction<ReplyTo>;
}
type TurnAction<ReplyTo> = Extract<ChannelAction<ReplyTo>, { kind: 'turn' }>;
type TurnItem<Event, ReplyTo> = Item<Event, ReplyTo> & { action: TurnAction<ReplyTo> };
type OtherItem<Event, ReplyTo> = Item<Event, ReplyTo> & { action: Exclude<ChannelAction<ReplyTo>, { kind: 'turn' }> };
type Prepared<Event, ReplyTo> = { turn: TurnItem<Event, ReplyTo>; request: TurnRequest } | { turn: TurnItem<Event, ReplyTo>; outcome: Outcome };

/** What a person hears when their event failed: nothing was written, so they can send it again. */
const APOLOGY: FlowMessage = { type: 'text', text: { key: 'error.generic' } };

/**
 * @example
 * const pipeline = new TurnPipeline({ adapter, intake: { kind: 'claimed', claimed: (e) => e.claimed }, sql, sealer, program, outbox, logger });
 * pipeline.dispatch([event]);
 * await pipeline.drain();
 */
export class TurnPipeline<Event, ReplyTo, Message = unknown> {
  readonly #scheduler: BatchScheduler<Item<Event, ReplyTo>>;
  readonly #participants: ChannelParticipants;
  readonly #answers: AnswerDelivery;
  readonly #clock: () => Date;
  readonly #rule: FileRule;
  /** Statements outside turns (participant lookups, inbox marks, marking replies sent). */
  readonly #db: SqlClient;

  constructor(private readonly options: TurnPipelineOptions<Event, ReplyTo, Message>) {
    this.#scheduler = new BatchScheduler((items) => this.#runBatch(items), {
      maxBatch: options.maxBatch ?? 64,
      concurrency: options.concurrency ?? 4,
      onFinished: () => this.#reportBacklog(),
    });
    this.#clock = options.clock ?? (() => new Date());
    this.#db = sqlClient(options.sql);
    this.#rule = fileRule(options.program);
    this.#participants = new ChannelParticipants(options.adapter.channel, this.#db, (userId) => options.adapter.firstLanguage(userId), this.#clock);
    this.#answers = new AnswerDelivery({ db: this.#db, outbox: options.outbox, logger: options.logger, clock: this.#clock });
  }

  /** Events dispatched and not yet processed. */
  get backlog(): number {
    return this.#scheduler.size;
  }

  /** Queues events; each person's run in the order given. */
  dispatch(events: Event[]): void {
    for (const event of events) {
      const item = this.#item(event);
      this.#scheduler.add(item.action.kind === 'ignore' ? `event:${this.options.adapter.describe(event).id}` : item.action.userId, item);
    }
    this.#reportBacklog();
  }

  /** Resolves when everything dispatched so far has been processed and its replies recorded. */
  async drain(): Promise<void> {
    await this.#scheduler.drain();
    await this.#answers.flush();
  }

  #item(event: Event): Item<Event, ReplyTo> {
    return { event, action: this.options.adapter.translate(event) };
  }

  /**
   * One batch from the scheduler. An event held back in it is handed back with its
   * catch-up as the follow-up: the batch ends now for everyone else, and the held
   * person's older events, then the held one, run first in their queue.
   */
  async #runBatch(items: Array<Item<Event, ReplyTo>>): Promise<Array<FollowUp<Item<Event, ReplyTo>>>> {
    const held = await this.#processBatch(items);
    const { intake } = this.options;
    if (intake.kind !== 'inbox') return [];
    return held.map((item) => ({ item, next: intake.catchUp(item.event).then((events) => events.map((e) => this.#item(e))) }));
  }

  /** Other events one by one; turns of distinct people together. Returns the events held back. */
  async #processBatch(items: Array<Item<Event, ReplyTo>>): Promise<Array<Item<Event, ReplyTo>>> {
    const started = performance.now();
    const turns = items.filter((item): item is TurnItem<Event, ReplyTo> => item.action.kind === 'turn');
    const others = items.filter((item): item is OtherItem<Event, ReplyTo> => item.action.kind !== 'turn');
    const [otherOutcomes, turnOutcomes] = await Promise.all([
      Promise.all(others.map((item) => this.#guarded(item, () => this.#act(item)))),
      this.#turns(turns),
    ]);
    const seconds = (performance.now() - started) / 1000;
    for (let i = 0; i < items.length; i++) this.options.metrics?.turnDuration.observe(seconds);
    return [...others.filter((_, i) => otherOutcomes[i] === 'held'), ...turns.filter((_, i) => turnOutcomes[i] === 'held')];
  }

  #reportBacklog(): void {
    this.options.metrics?.backlog.set(this.#scheduler.size);
    this.options.onBacklog?.(this.#scheduler.size);
  }

  #count(item: Item<Event, ReplyTo>, outcome: Outcome): void {
    const { type } = this.options.adapter.describe(item.event);
    this.options.metrics?.webhookEvents.inc({ type, outcome: outcome === 'done' ? item.action.kind : outcome });
  }

  /** Runs one event's work; a failure is logged (ids only) and answered with the apology. */
  async #guarded(item: Item<Event, ReplyTo>, work: () => Promise<Outcome>): Promise<Outcome> {
    try {
      const outcome = await work();
      this.#count(item, outcome);
      return outcome;
    } catch (error) {
      this.#count(item, 'failed');
      const { id, type } = this.options.adapter.describe(item.event);
      this.options.logger.error({ channel: this.options.adapter.channel, eventId: id, eventType: type, err: errorFields(error) }, 'event processing failed');
      await this.#apologize(item);
      return 'failed';
    }
  }

  #inboxId(event: Event): string | undefined {
    const { intake } = this.options;
    return intake.kind === 'inbox' ? intake.idOf(event) : undefined;
  }

  /** Whether this process runs the event: always for inbox events (their turn consumes the row), only if claimed otherwise. */
  async #admitted(item: Item<Event, ReplyTo>): Promise<boolean> {
    const { intake } = this.options;
    return intake.kind === 'claimed' ? intake.claimed(item.event) : true;
  }

  /** An event that is not a turn: ignored, or the person can no longer be reached. */
  async #act(item: OtherItem<Event, ReplyTo>): Promise<Outcome> {
    if (!await this.#admitted(item)) return 'duplicate';
    const { action } = item;
    const inboxId = this.#inboxId(item.event);
    const now = this.#clock();
    if (action.kind === 'ignore') {
      if (!inboxId) return 'done';
      return (await markInboxProcessed(this.#db, inboxId, now, 'ignored')) ? 'done' : 'duplicate';
    }
    return inTransaction(this.options.sql, async (db): Promise<Outcome> => {
      if (inboxId && !(await markInboxProcessed(db, inboxId, now))) return (await stillPending(db, [inboxId])).size > 0 ? 'held' : 'duplicate';
      const participant = await this.#participants.find(action.userId, db);
      if (!participant) return 'done';
      await appendAudit(db, [await setReachable(db, participant.id, false, now)], now);
      return 'done';
    });
  }

  /** Outcomes in the order of `turns`. */
  async #turns(turns: Array<TurnItem<Event, ReplyTo>>): Promise<Outcome[]> {
    if (turns.length === 0) return [];
    const { adapter, sql, sealer, program, handoffAvailable, publicUrl } = this.options;
    const now = this.#clock();
    const loading = setTimeout(() => turns.forEach((t) => adapter.showBusy?.(t.action.userId)), this.options.loadingAfterMs ?? 300);
    try {
      const prepared = await Promise.all(turns.map((turn) => this.#prepare(turn, now)));
      const outcomes = new Map<TurnItem<Event, ReplyTo>, Outcome>();
      const ready: Array<{ turn: TurnItem<Event, ReplyTo>; request: TurnRequest }> = [];
      for (const p of prepared) {
        if ('outcome' in p) outcomes.set(p.turn, p.outcome);
        else ready.push(p);
      }
      if (ready.length === 0) return turns.map((t) => outcomes.get(t)!);
      const services = { sql, sealer, program, handoffAvailable, publicUrl };
      let results: Array<TurnResult | { status: 'failed'; error: unknown }>;
      try {
        results = await runTurns(services, ready.map((p) => p.request));
      } catch {
        // One bad turn must not take the others with it: run them one by one.
        results = await Promise.all(ready.map((p) => runTurns(services, [p.request])
          .then((r) => r[0]!, (error: unknown) => ({ status: 'failed' as const, error }))));
      }
      await Promise.all(ready.map(async (p, i) => outcomes.set(p.turn, await this.#guarded(p.turn, async () => {
        const result = results[i]!;
        if ('error' in result) throw result.error;
        if (result.status !== 'done') return result.status;
        await this.#answer(p.turn.action, result);
        return 'done';
      }))));
      return turns.map((t) => outcomes.get(t)!);
    } finally {
      clearTimeout(loading);
    }
  }

  /** The turn's request: its participant and input (a file received first); or its outcome when it ends here. */
  async #prepare(turn: TurnItem<Event, ReplyTo>, now: Date): Promise<Prepared<Event, ReplyTo>> {
    try {
      if (!await this.#admitted(turn)) {
        this.#count(turn, 'duplicate');
        return { turn, outcome: 'duplicate' };
      }
      return { turn, request: await this.#request(turn, now) };
    } catch (error) {
      return { turn, outcome: await this.#guarded(turn, () => Promise.reject(error)) };
    }
  }

  async #request(turn: TurnItem<Event, ReplyTo>, now: Date): Promise<TurnRequest> {
    const { adapter } = this.options;
    const { userId, file, replyToken, reachable } = turn.action;
    const participantId = await this.#participants.idOf(userId);
    const { input, files } = file
      ? await receiveFile(this.#rule, file, (maxBytes) => {
        adapter.showBusy?.(userId);
        return adapter.fetchFile(userId, file, maxBytes);
      })
      : { input: turn.action.input, files: [] };
    return {
      participantId, input, now, files, inboxEventId: this.#inboxId(turn.event), reply: replyToken,
      render: (messages, language, facts) => adapter.render(messages, language, facts),
      replyWindowMs: adapter.replyWindowMs,
      channel: adapter.channel,
      within: reachable ? async (db) => [await setReachable(db, participantId, true, now)] : undefined,
    };
  }

  /** Reply first, the outbox row the fallback; an answer with nothing to say still lets the channel clear what it showed. */
  async #answer(action: TurnAction<ReplyTo>, result: Extract<TurnResult, { status: 'done' }>): Promise<void> {
    const { adapter, logger } = this.options;
    const { userId, replyTo } = action;
    const messages = result.rendered as Message[];
    const reply = replyTo === undefined ? undefined : () => adapter.reply(userId, replyTo, messages);
    // Messages for other people (a promotion from the waitlist) go to the worker at once.
    if (result.notified.length > 0) await this.#answers.handOver(result.notified);
    if (result.outboxId) return this.#answers.deliver(result.outboxId, reply);
    await reply?.().catch((error: unknown) => logger.warn({ channel: adapter.channel, err: errorFields(error) }, 'clearing an answer with nothing to say failed'));
  }

  /** Nothing was written; the person still hears from us (a reply, never a billed push), and the draft is intact. */
  async #apologize(item: Item<Event, ReplyTo>): Promise<void> {
    const inboxId = this.#inboxId(item.event);
    if (inboxId) await markInboxFailed(this.#db, inboxId, this.#clock()).catch(() => undefined);
    const { action } = item;
    if (action.kind !== 'turn' || action.replyTo === undefined) return;
    const { adapter } = this.options;
    const language = await this.#participants.find(action.userId).then((p) => p?.language ?? 'ja', () => 'ja' as const);
    await adapter.reply(action.userId, action.replyTo, adapter.render([APOLOGY], language, {})).catch(() => undefined);
  }
}
