/**
 * Processes accepted LINE events after the webhook has answered: one user's events in
 * the order they happened, each in one transaction, then the answer goes out as a reply
 * (free) with the outbox row as the fallback push if the reply fails.
 *
 * An event held back because an older event of the same person is still pending (it
 * came in a later request, or another process has it) does not wait for the replay:
 * the older events are run at once (or, when another process is running one, waited for
 * through its row lock), then the held one again.
 */
import { createHash } from 'node:crypto';
import type { ChannelInput } from '../../flows/index.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import { appendAudit } from '../../core/audit/audit-log.ts';
import type { ReceivedFile } from '../../core/applications/document.service.ts';
import type { Sealer } from '../../core/crypto/sealer.ts';
import type pg from 'pg';
import { inTransaction, sqlDb } from '../../core/db/pg-transaction.ts';
import type { SqlDb } from '../../core/db/types.ts';
import { errorFields } from '../../core/error-fields.ts';
import { markInboxFailed, markInboxProcessed, olderPendingEvents, stillPending } from '../../core/inbox/inbox.repository.ts';
import type { Logger } from '../../core/logger.ts';
import { boundedLabel, type Metrics } from '../../core/metrics.ts';
import { makeOutboxDue, markOutboxSent } from '../../core/outbox/outbox.repository.ts';
import { ensureLineParticipant, findLineParticipant, setReachable } from '../../core/participants/participant.service.ts';
import type { OutboxQueue } from '../../worker/outbox-queue.ts';
import { BatchScheduler } from '../runtime/batch-scheduler.ts';
import { runTurns, type TurnRequest, type TurnResult } from '../runtime/run-turn.ts';
import { classifyEvent, type FileNotice, type InboundAction } from './inbound.ts';
import type { LineApi, LineChannels } from './line-api.ts';
import { renderLineMessages } from './render.ts';
import { LoadingBudget } from './loading-budget.ts';
import { isRefusedReplyToken, isYoungReplyToken } from './reply-token.ts';
import { SentBatcher } from './sent-batcher.ts';
import { KNOWN_EVENT_TYPES, validateEvent, type LineEvent } from './webhook.schema.ts';
import { translate } from '../../flows/index.ts';

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

/**
 * Catching up behind a held event: runs of "older pending events, then this one again".
 * A second round is needed only when an even older event arrived meanwhile; after these,
 * the replay takes the event.
 */
const MAX_CATCH_UP_ROUNDS = 3;
/** Older pending events of one person run in one catch-up round at most. */
const MAX_CATCH_UP_EVENTS = 50;

/** The program's rule for plan documents, and the most ouen ever downloads. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

export class LineEventProcessor implements EventProcessor {
  readonly #scheduler: BatchScheduler<LineEvent>;
  readonly #participants = new Map<string, string>();
  readonly #sent: SentBatcher;
  readonly #clock: () => Date;
  readonly #loadingBudget = new LoadingBudget();
  /** Hot-path statements outside turns (participant lookups, marking replies sent). */
  readonly #sql: SqlDb;

  constructor(private readonly deps: LineEventProcessorDeps) {
    this.#scheduler = new BatchScheduler((events) => this.#runBatch(events), {
      maxBatch: deps.maxBatch ?? 64,
      concurrency: deps.concurrency ?? 4,
      onFinished: () => this.#reportBacklog(),
    });
    this.#clock = deps.clock ?? (() => new Date());
    this.#sql = sqlDb(deps.sql);
    this.#sent = new SentBatcher((ids) => markOutboxSent(this.#sql, ids, this.#clock()), (error) =>
      deps.logger.error({ err: errorFields(error) }, 'marking replies as sent failed; the sweeper will push them'));
  }

  get backlog(): number {
    return this.#scheduler.size;
  }

  dispatch(events: LineEvent[]): void {
    // In the order they happened: one body can list a person's older event second.
    const inOrder = [...events].sort((a, b) => a.timestamp - b.timestamp);
    for (const event of inOrder) this.#scheduler.add(event.source?.userId ?? event.webhookEventId, event);
    this.#reportBacklog();
  }

  async drain(): Promise<void> {
    await this.#scheduler.drain();
    await this.#sent.flush();
  }

  /** One batch from the scheduler, then, for each event held back in it, its person's older events and the event again. */
  async #runBatch(events: LineEvent[]): Promise<void> {
    const held = await this.#processBatch(events);
    await Promise.all(held.map((event) => this.#catchUp(event)));
  }

  /**
   * Other events one by one; conversation turns of distinct users together in one
   * transaction. Returns the events held back behind an older event of their person.
   */
  async #processBatch(events: LineEvent[]): Promise<LineEvent[]> {
    const started = performance.now();
    const classified = events.map((event) => ({ event, action: classifyEvent(event) }));
    const turns = classified.filter((c): c is { event: LineEvent; action: TurnAction } => c.action.kind === 'turn');
    const others = classified.filter((c): c is { event: LineEvent; action: OtherAction } => c.action.kind !== 'turn');
    const [otherOutcomes, turnOutcomes] = await Promise.all([
      Promise.all(others.map((c) => this.#guarded(c.event, c.action, () => this.#act(c.event.webhookEventId, c.action)))),
      this.#turns(turns),
    ]);
    const seconds = (performance.now() - started) / 1000;
    for (let i = 0; i < events.length; i++) this.deps.metrics.turnDuration.observe(seconds);
    return [...others.filter((_, i) => otherOutcomes[i] === 'held'), ...turns.filter((_, i) => turnOutcomes[i] === 'held')].map((c) => c.event);
  }

  /**
   * A held event's person has older events pending: run them now, oldest first (one
   * queued here too is then skipped as a duplicate when its turn comes; one in another
   * process's turn is waited for through its row lock), then the held event again.
   */
  async #catchUp(event: LineEvent): Promise<void> {
    for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round++) {
      const older = await olderPendingEvents(this.#sql, this.deps.sealer, event.webhookEventId, MAX_CATCH_UP_EVENTS);
      for (const stored of older) {
        const verdict = validateEvent(stored.payload);
        if (verdict.ok) await this.#processBatch([verdict.event]);
        else await markInboxFailed(this.#sql, stored.webhookEventId, this.#clock());
      }
      if ((await this.#processBatch([event])).length === 0) return;
    }
    this.deps.logger.warn({ webhookEventId: event.webhookEventId }, 'event still held back after catching up; the replay takes it');
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
  async #turns(turns: Array<{ event: LineEvent; action: TurnAction }>): Promise<Array<Outcome | 'failed'>> {
    if (turns.length === 0) return [];
    const now = this.#clock();
    const loading = setTimeout(() => turns.forEach((t) => this.#showLoading(t.action.userId)), this.deps.loadingAfterMs ?? 300);
    try {
      const prepared = await Promise.all(turns.map(async (turn) => {
        try {
          return { turn, request: await this.#request(turn.event, turn.action, now) };
        } catch (error) {
          await this.#guarded(turn.event, turn.action, () => Promise.reject(error));
          return null;
        }
      }));
      const ready = prepared.filter((p): p is NonNullable<typeof p> => p !== null);
      const outcomes = new Map<LineEvent, Outcome | 'failed'>(turns.map((t) => [t.event, 'failed']));
      const { sql, sealer, program, handoffAvailable } = this.deps;
      let results: Array<TurnResult | { status: 'failed'; error: unknown }>;
      try {
        results = await runTurns({ sql, sealer, program, handoffAvailable }, ready.map((p) => p.request));
      } catch {
        // One bad turn must not take the others with it: run them one by one.
        results = await Promise.all(ready.map((p) => runTurns({ sql, sealer, program, handoffAvailable }, [p.request])
          .then((r) => r[0]!, (error: unknown) => ({ status: 'failed' as const, error }))));
      }
      await Promise.all(ready.map(async (p, i) => outcomes.set(p.turn.event, await this.#guarded(p.turn.event, p.turn.action, async () => {
        const result = results[i]!;
        if ('error' in result) throw result.error;
        if (result.status !== 'done') return result.status;
        if (result.outboxId) await this.#deliver(p.turn.action.userId, result.outboxId, p.request.reply, result.rendered as never);
        return 'done';
      }))));
      return turns.map((t) => outcomes.get(t.event)!);
    } finally {
      clearTimeout(loading);
    }
  }

  async #request(event: LineEvent, action: TurnAction, now: Date): Promise<TurnRequest> {
    const participantId = await this.#participantId(action.userId);
    const { input, files } = action.file ? await this.#receiveFile(action.userId, action.file) : { input: action.input, files: [] };
    return {
      participantId, input, now, files, inboxEventId: event.webhookEventId,
      reply: action.replyToken ? { token: action.replyToken, at: new Date(event.timestamp) } : undefined,
      render: renderLineMessages,
      replyWindowMs: this.deps.replyWindowMs ?? 50_000,
      within: action.input.type === 'follow' ? async (db) => [await setReachable(db, participantId, true, now)] : undefined,
    };
  }

  /**
   * Reply first; a failed reply becomes due for the worker (which replies again while the
   * token is young, else pushes). A young token LINE refuses was used already: by this
   * answer, by a process that started after this one took the row (settle-unconfirmed-replies.ts).
   */
  async #deliver(userId: string, outboxId: string, reply: TurnRequest['reply'], messages: Parameters<LineApi['reply']>[1]): Promise<void> {
    if (reply) {
      try {
        await this.deps.line.forUser(userId).reply(reply.token, messages);
        this.deps.metrics.replies.inc({ result: 'ok' });
        this.#sent.add(outboxId);
        return;
      } catch (error) {
        if (isRefusedReplyToken(error) && isYoungReplyToken(reply.at, this.#clock())) {
          this.deps.metrics.replies.inc({ result: 'used-before' });
          this.#sent.add(outboxId);
          return;
        }
        this.deps.metrics.replies.inc({ result: 'failed' });
        this.deps.logger.warn({ outboxId, err: errorFields(error) }, 'reply failed; the worker delivers it');
      }
    }
    await makeOutboxDue(this.#sql, outboxId, this.#clock());
    await this.deps.outbox.enqueue([outboxId]).catch((error: unknown) =>
      this.deps.logger.error({ outboxId, err: errorFields(error) }, 'enqueue failed; the sweeper will retry'));
  }

  async #receiveFile(userId: string, file: FileNotice): Promise<{ input: ChannelInput; files: ReceivedFile[] }> {
    const claimsPdf = /\.pdf$/i.test(file.fileName);
    const refused = (isPdf: boolean): { input: ChannelInput; files: ReceivedFile[] } => ({
      input: { type: 'file', fileName: file.fileName, sizeBytes: file.sizeBytes, isPdf, sourceMessageId: file.messageId },
      files: [],
    });
    if (!claimsPdf) return refused(false);
    if (file.sizeBytes > MAX_FILE_BYTES) return refused(true);
    this.#showLoading(userId);
    const content = await this.#fetchWhenReady(userId, file.messageId);
    if (content === 'too-large') return { input: { ...refused(true).input, sizeBytes: MAX_FILE_BYTES + 1 } as ChannelInput, files: [] };
    if (content === null) return { input: { type: 'unsupported', what: 'file-unavailable' }, files: [] };
    const isPdf = content.subarray(0, 5).toString('latin1') === '%PDF-';
    if (!isPdf) return refused(false);
    const sha256 = createHash('sha256').update(content).digest('hex');
    return {
      input: { type: 'file', fileName: file.fileName, sizeBytes: content.length, isPdf: true, sourceMessageId: file.messageId },
      files: [{ sourceMessageId: file.messageId, fileName: file.fileName, content, sha256 }],
    };
  }

  /** LINE prepares content asynchronously (202); it also expires, so ask now, a few times. */
  async #fetchWhenReady(userId: string, messageId: string): Promise<Buffer | 'too-large' | null> {
    for (const delay of [0, 300, 1000, 2000]) {
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      const content = await this.deps.line.forUser(userId).fetchContent(messageId, MAX_FILE_BYTES).catch(() => null);
      if (content !== 'not-ready') return content;
    }
    return null;
  }

  async #participantId(lineUserId: string): Promise<string> {
    const cached = this.#participants.get(lineUserId);
    if (cached) return cached;
    const { line } = this.deps;
    const found = await findLineParticipant(this.#sql, lineUserId);
    const participant = found ?? await ensureLineParticipant(this.#sql, lineUserId,
      await line.forUser(lineUserId).profileLanguage(lineUserId).catch(() => 'ja' as const));
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
