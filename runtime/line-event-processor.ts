/**
 * Processes accepted LINE events after the webhook has answered: one user's events in
 * the order they happened, each in one transaction, then the answer goes out as a reply
 * (free) with the outbox row as the fallback push if the reply fails (answer-delivery.ts).
 *
 * An event held back because an older event of the same person is still pending (it
 * came in a later request, or another process has it) does not wait for the replay, nor
 * does its batch wait for it: the batch finishes for everyone else, and that person's
 * older events, then the held one, run first in their queue (catch-up.ts).
 */
import type { ProgramConfig } from '../flows/program.ts';
import { appendAudit } from '../core/audit/audit-log.ts';
import type { Sealer } from '../core/crypto/sealer.ts';
import type pg from 'pg';
import { inTransaction, sqlClient } from '../core/db/pg-transaction.ts';
import type { SqlClient } from '../core/db/types.ts';
import { errorFields } from '../core/error-fields.ts';
import { markInboxFailed, markInboxProcessed, stillPending } from '../core/inbox/inbox.repository.ts';
import type { Logger } from '../core/logger.ts';
import { boundedLabel, type Metrics } from '../core/metrics.ts';
import { ensureLineParticipant, findLineParticipant, setReachable } from '../core/participants/participant.service.ts';
import type { OutboxQueue } from './outbox-queue.ts';
import { BatchScheduler, type FollowUp } from './batch-scheduler.ts';
import { runTurns, type TurnRequest, type TurnResult } from './run-turn.ts';
import { AnswerDelivery } from './answer-delivery.ts';
import { catchUpBefore, type CatchUpDeps } from './catch-up.ts';
import { classifyEvent, type InboundAction } from '../channels/line/inbound.ts';
import type { LineChannels } from '../channels/line/line-api.ts';
import { LoadingBudget } from '../channels/line/loading-budget.ts';
import type { ReceivedEvent } from '../channels/line/received-events.ts';
import { receiveFile } from '../channels/line/receive-file.ts';
import { renderLineMessages } from '../channels/line/render.ts';
import { replyTokenAt } from '../channels/line/reply-token.ts';
import { KNOWN_EVENT_TYPES, type LineEvent } from '../channels/line/webhook.schema.ts';
import { translate } from '../flows/index.ts';

export interface LineEventProcessorDeps {
  /** Every statement runs on this pool; turns in transactions of their own (run-turn.ts). */
  sql: pg.Pool;
  sealer: Sealer;
  program: ProgramConfig;
  /** Someone can take a conversation over (the human inbox is configured). */
  handoffAvailable?: boolean;
  line: LineChannels;
  outbox: OutboxQueue;
  logger: Logger;
  metrics: Metrics;
  clock?: () => Date;
  /** Batches processed at once (each holds one pooled connection). */
  concurrency?: number;
  /** Most turns in one batch. */
  maxBatch?: number;
  /** A reply token lives about a minute; after that the outbox row is pushed instead. */
  replyWindowMs?: number;
  /** Show LINE's loading indicator when a turn takes longer than this. */
  loadingAfterMs?: number;
  /** Told the backlog whenever it changes (a processing thread reports it to the web thread). */
  onBacklog?: (size: number) => void;
}

/** What the webhook hands accepted events to: in this thread, or in a processing thread. */
export interface EventProcessor {
  /** Events accepted and not yet processed. */
  readonly backlog: number;
  /** Schedules events; each user's run in the order given. */
  dispatch(events: LineEvent[]): void;
  /** Resolves when everything dispatched so far has been processed and its replies recorded. */
  drain(): Promise<void>;
}

type TurnAction = Extract<InboundAction, { kind: 'turn' }>;
type OtherAction = Exclude<InboundAction, TurnAction>;
/** How one event ended up: done (answered, recorded), already consumed by another turn, or held back behind an older one. */
type Outcome = 'done' | 'duplicate' | 'held';
type Classified<A extends InboundAction> = { received: ReceivedEvent; action: A };

export class LineEventProcessor implements EventProcessor {
  readonly #scheduler: BatchScheduler<ReceivedEvent>;
  readonly #participants = new Map<string, string>();
  readonly #answers: AnswerDelivery;
  readonly #catchUp: CatchUpDeps;
  readonly #clock: () => Date;
  readonly #loadingBudget = new LoadingBudget();
  /** Hot-path statements outside turns (participant lookups, marking replies sent). */
  readonly #sql: SqlClient;

  constructor(private readonly deps: LineEventProcessorDeps) {
    this.#scheduler = new BatchScheduler((events) => this.#runBatch(events), {
      maxBatch: deps.maxBatch ?? 64,
      concurrency: deps.concurrency ?? 4,
      onFinished: () => this.#reportBacklog(),
    });
    this.#clock = deps.clock ?? (() => new Date());
    this.#sql = sqlClient(deps.sql);
    this.#answers = new AnswerDelivery({ db: this.#sql, line: deps.line, outbox: deps.outbox, logger: deps.logger, metrics: deps.metrics, clock: this.#clock });
    this.#catchUp = { db: this.#sql, sealer: deps.sealer, clock: this.#clock, logger: deps.logger };
  }

  get backlog(): number {
    return this.#scheduler.size;
  }

  /** New events, just stored: received now, by this machine's clock. */
  dispatch(events: LineEvent[]): void {
    const receivedAt = this.#clock();
    this.dispatchReceived(events.map((event) => ({ event, receivedAt })));
  }

  /** Events read back from the inbox (the replay), with when they were received. */
  dispatchReceived(events: ReceivedEvent[]): void {
    // In the order they happened: one body can list a person's older event second.
    const inOrder = [...events].sort((a, b) => a.event.timestamp - b.event.timestamp);
    for (const received of inOrder) this.#scheduler.add(received.event.source?.userId ?? received.event.webhookEventId, received);
    this.#reportBacklog();
  }

  async drain(): Promise<void> {
    await this.#scheduler.drain();
    await this.#answers.flush();
  }

  /**
   * One batch from the scheduler. An event held back in it is handed back with its
   * catch-up as the follow-up: the batch ends now for everyone else, and the held
   * person's older events, then the held one, run first in their queue.
   */
  async #runBatch(events: ReceivedEvent[]): Promise<Array<FollowUp<ReceivedEvent>>> {
    const held = await this.#processBatch(events);
    return held.map((item) => ({ item, next: catchUpBefore(this.#catchUp, item) }));
  }

  /**
   * Other events one by one; conversation turns of distinct users together in one
   * transaction. Returns the events held back behind an older event of their person.
   */
  async #processBatch(events: ReceivedEvent[]): Promise<ReceivedEvent[]> {
    const started = performance.now();
    const classified = events.map((received) => ({ received, action: classifyEvent(received.event) }));
    const turns = classified.filter((c): c is Classified<TurnAction> => c.action.kind === 'turn');
    const others = classified.filter((c): c is Classified<OtherAction> => c.action.kind !== 'turn');
    const [otherOutcomes, turnOutcomes] = await Promise.all([
      Promise.all(others.map((c) => this.#guarded(c.received.event, c.action, () => this.#act(c.received.event.webhookEventId, c.action)))),
      this.#turns(turns),
    ]);
    const seconds = (performance.now() - started) / 1000;
    for (let i = 0; i < events.length; i++) this.deps.metrics.turnDuration.observe(seconds);
    return [...others.filter((_, i) => otherOutcomes[i] === 'held'), ...turns.filter((_, i) => turnOutcomes[i] === 'held')].map((c) => c.received);
  }

  #reportBacklog(): void {
    this.deps.metrics.backlog.set(this.#scheduler.size);
    this.deps.onBacklog?.(this.#scheduler.size);
  }

  async #guarded(event: LineEvent, action: InboundAction, work: () => Promise<Outcome>): Promise<Outcome | 'failed'> {
    const type = boundedLabel(event.type, KNOWN_EVENT_TYPES);
    try {
      const outcome = await work();
      this.deps.metrics.webhookEvents.inc({ type, outcome: outcome === 'done' ? action.kind : outcome });
      return outcome;
    } catch (error) {
      this.deps.metrics.webhookEvents.inc({ type, outcome: 'failed' });
      this.deps.logger.error({ webhookEventId: event.webhookEventId, eventType: type, err: errorFields(error) }, 'event processing failed');
      await this.#answerFailure(event.webhookEventId, action);
      return 'failed';
    }
  }

  async #act(webhookEventId: string, action: OtherAction): Promise<Outcome> {
    const { sql } = this.deps;
    const now = this.#clock();
    if (action.kind === 'ignore') {
      return (await markInboxProcessed(this.#sql, webhookEventId, now, 'ignored')) ? 'done' : 'duplicate';
    }
    return inTransaction(sql, async (db): Promise<Outcome> => {
      if (!(await markInboxProcessed(db, webhookEventId, now))) return (await stillPending(db, [webhookEventId])).size > 0 ? 'held' : 'duplicate';
      const participant = await findLineParticipant(db, action.userId);
      if (!participant) return 'done';
      await appendAudit(db, [await setReachable(db, participant.id, false, now)], now);
      return 'done';
    });
  }

  /** Outcomes in the order of `turns`. */
  async #turns(turns: Array<Classified<TurnAction>>): Promise<Array<Outcome | 'failed'>> {
    if (turns.length === 0) return [];
    const now = this.#clock();
    const loading = setTimeout(() => turns.forEach((t) => this.#showLoading(t.action.userId)), this.deps.loadingAfterMs ?? 300);
    try {
      const prepared = await Promise.all(turns.map(async (turn) => {
        try {
          return { turn, request: await this.#request(turn.received, turn.action, now) };
        } catch (error) {
          await this.#guarded(turn.received.event, turn.action, () => Promise.reject(error));
          return null;
        }
      }));
      const ready = prepared.filter((p): p is NonNullable<typeof p> => p !== null);
      const outcomes = new Map<ReceivedEvent, Outcome | 'failed'>(turns.map((t) => [t.received, 'failed']));
      const { sql, sealer, program, handoffAvailable } = this.deps;
      let results: Array<TurnResult | { status: 'failed'; error: unknown }>;
      try {
        results = await runTurns({ sql, sealer, program, handoffAvailable }, ready.map((p) => p.request));
      } catch {
        // One bad turn must not take the others with it: run them one by one.
        results = await Promise.all(ready.map((p) => runTurns({ sql, sealer, program, handoffAvailable }, [p.request])
          .then((r) => r[0]!, (error: unknown) => ({ status: 'failed' as const, error }))));
      }
      await Promise.all(ready.map(async (p, i) => outcomes.set(p.turn.received, await this.#guarded(p.turn.received.event, p.turn.action, async () => {
        const result = results[i]!;
        if ('error' in result) throw result.error;
        if (result.status !== 'done') return result.status;
        if (result.outboxId) await this.#answers.deliver(p.turn.action.userId, result.outboxId, p.request.reply, result.rendered as never);
        return 'done';
      }))));
      return turns.map((t) => outcomes.get(t.received)!);
    } finally {
      clearTimeout(loading);
    }
  }

  async #request({ event, receivedAt }: ReceivedEvent, action: TurnAction, now: Date): Promise<TurnRequest> {
    const participantId = await this.#participantId(action.userId);
    const { input, files } = action.file
      ? await receiveFile(this.deps.line.forUser(action.userId), action.file, () => this.#showLoading(action.userId))
      : { input: action.input, files: [] };
    return {
      participantId, input, now, files, inboxEventId: event.webhookEventId,
      reply: action.replyToken ? { token: action.replyToken, at: replyTokenAt(event.timestamp, receivedAt) } : undefined,
      render: renderLineMessages,
      replyWindowMs: this.deps.replyWindowMs ?? 50_000,
      within: action.input.type === 'follow' ? async (db) => [await setReachable(db, participantId, true, now)] : undefined,
    };
  }

  async #participantId(lineUserId: string): Promise<string> {
    const cached = this.#participants.get(lineUserId);
    if (cached) return cached;
    const { line } = this.deps;
    const found = await findLineParticipant(this.#sql, lineUserId);
    const participant = found ?? await ensureLineParticipant(this.#sql, lineUserId,
      await line.forUser(lineUserId).profileLanguage(lineUserId).catch(() => 'ja' as const), this.#clock());
    if (this.#participants.size > 100_000) this.#participants.clear();
    this.#participants.set(lineUserId, participant.id);
    return participant.id;
  }

  #showLoading(userId: string): void {
    if (!this.#loadingBudget.take()) return;
    this.deps.line.forUser(userId).showLoading(userId).catch(() => undefined);
  }

  /** Nothing was written; the person still hears from us, and the draft is intact. */
  async #answerFailure(webhookEventId: string, action: InboundAction): Promise<void> {
    await markInboxFailed(this.#sql, webhookEventId, this.#clock()).catch(() => undefined);
    if (action.kind !== 'turn' || !action.replyToken) return;
    const language = await findLineParticipant(this.#sql, action.userId).then((p) => p?.language ?? 'ja').catch(() => 'ja' as const);
    await this.deps.line.forUser(action.userId).reply(action.replyToken, [{ type: 'text', text: translate(language, 'error.generic') }]).catch(() => undefined);
  }
}
