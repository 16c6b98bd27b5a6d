/**
 * Processes accepted LINE events after the webhook has answered: one user's events in
 * order, each in one transaction, then the answer goes out as a reply (free) with the
 * outbox row as the fallback push if the reply fails.
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
import { markInboxFailed, markInboxProcessed } from '../../core/inbox/inbox.repository.ts';
import type { Logger } from '../../core/logger.ts';
import type { Metrics } from '../../core/metrics.ts';
import { makeOutboxDue, markOutboxSent } from '../../core/outbox/outbox.repository.ts';
import { ensureLineParticipant, findLineParticipant, setReachable } from '../../core/participants/participant.service.ts';
import type { OutboxQueue } from '../../worker/outbox-queue.ts';
import { BatchScheduler } from '../runtime/batch-scheduler.ts';
import { runTurns, type TurnRequest, type TurnResult } from '../runtime/run-turn.ts';
import { classifyEvent, type FileNotice, type InboundAction } from './inbound.ts';
import type { LineApi, LineChannels } from './line-api.ts';
import { renderLineMessages } from './render.ts';
import { LoadingBudget } from './loading-budget.ts';
import { SentBatcher } from './sent-batcher.ts';
import type { LineEvent } from './webhook.schema.ts';
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
    this.#scheduler = new BatchScheduler((events) => this.#processBatch(events), {
      maxBatch: deps.maxBatch ?? 64,
      concurrency: deps.concurrency ?? 4,
      onFinished: () => this.#reportBacklog(),
    });
    this.#clock = deps.clock ?? (() => new Date());
    this.#sql = sqlDb(deps.sql);
    this.#sent = new SentBatcher((ids) => markOutboxSent(this.#sql, ids, this.#clock()), (error) =>
      deps.logger.error({ err: errorName(error) }, 'marking replies as sent failed; the sweeper will push them'));
  }

  get backlog(): number {
    return this.#scheduler.size;
  }

  dispatch(events: LineEvent[]): void {
    for (const event of events) this.#scheduler.add(event.source?.userId ?? event.webhookEventId, event);
    this.#reportBacklog();
  }

  async drain(): Promise<void> {
    await this.#scheduler.drain();
    await this.#sent.flush();
  }

  /** Other events one by one; conversation turns of distinct users together in one transaction. */
  async #processBatch(events: LineEvent[]): Promise<void> {
    const started = performance.now();
    const classified = events.map((event) => ({ event, action: classifyEvent(event) }));
    const turns = classified.filter((c): c is { event: LineEvent; action: TurnAction } => c.action.kind === 'turn');
    const others = classified.filter((c): c is { event: LineEvent; action: OtherAction } => c.action.kind !== 'turn');
    await Promise.all([
      ...others.map((c) => this.#guarded(c.event, c.action, () => this.#act(c.event.webhookEventId, c.action))),
      this.#turns(turns),
    ]);
    const seconds = (performance.now() - started) / 1000;
    for (let i = 0; i < events.length; i++) this.deps.metrics.turnDuration.observe(seconds);
  }

  #reportBacklog(): void {
    this.deps.metrics.backlog.set(this.#scheduler.size);
    this.deps.onBacklog?.(this.#scheduler.size);
  }

  async #guarded(event: LineEvent, action: InboundAction, work: () => Promise<void>): Promise<void> {
    try {
      await work();
      this.deps.metrics.webhookEvents.inc({ type: event.type, outcome: action.kind });
    } catch (error) {
      this.deps.metrics.webhookEvents.inc({ type: event.type, outcome: 'failed' });
      this.deps.logger.error({ webhookEventId: event.webhookEventId, eventType: event.type, err: errorName(error) }, 'event processing failed');
      await this.#answerFailure(event.webhookEventId, action);
    }
  }

  async #act(webhookEventId: string, action: OtherAction): Promise<void> {
    const { sql } = this.deps;
    const now = this.#clock();
    if (action.kind === 'ignore') {
      await markInboxProcessed(this.#sql, webhookEventId, now, 'ignored');
      return;
    }
    await inTransaction(sql, async (db) => {
      if (!(await markInboxProcessed(db, webhookEventId, now))) return;
      const participant = await findLineParticipant(db, action.userId);
      if (!participant) return;
      await appendAudit(db, [await setReachable(db, participant.id, false, now)], now);
    });
  }

  async #turns(turns: Array<{ event: LineEvent; action: TurnAction }>): Promise<void> {
    if (turns.length === 0) return;
    const now = this.#clock();
    const loading = setTimeout(() => turns.forEach((t) => this.#showLoading(t.action.userId)), this.deps.loadingAfterMs ?? 300);
    try {
      const prepared = await Promise.all(turns.map(async (turn) => {
        try {
          return { turn, request: await this.#request(turn.event.webhookEventId, turn.action, now) };
        } catch (error) {
          await this.#guarded(turn.event, turn.action, () => Promise.reject(error));
          return null;
        }
      }));
      const ready = prepared.filter((p): p is NonNullable<typeof p> => p !== null);
      const { sql, sealer, program, handoffAvailable } = this.deps;
      let results: Array<TurnResult | { status: 'failed'; error: unknown }>;
      try {
        results = await runTurns({ sql, sealer, program, handoffAvailable }, ready.map((p) => p.request));
      } catch {
        // One bad turn must not take the others with it: run them one by one.
        results = await Promise.all(ready.map((p) => runTurns({ sql, sealer, program, handoffAvailable }, [p.request])
          .then((r) => r[0]!, (error: unknown) => ({ status: 'failed' as const, error }))));
      }
      await Promise.all(ready.map((p, i) => this.#guarded(p.turn.event, p.turn.action, async () => {
        const result = results[i]!;
        if ('error' in result) throw result.error;
        if (result.status === 'duplicate' || !result.outboxId) return;
        await this.#deliver(p.turn.action.userId, result.outboxId, p.turn.action.replyToken, result.rendered as never);
      })));
    } finally {
      clearTimeout(loading);
    }
  }

  async #request(webhookEventId: string, action: TurnAction, now: Date): Promise<TurnRequest> {
    const participantId = await this.#participantId(action.userId);
    const { input, files } = action.file ? await this.#receiveFile(action.userId, action.file) : { input: action.input, files: [] };
    return {
      participantId, input, now, files, inboxEventId: webhookEventId,
      render: renderLineMessages,
      replyWindowMs: this.deps.replyWindowMs ?? 50_000,
      within: action.input.type === 'follow' ? async (db) => [await setReachable(db, participantId, true, now)] : undefined,
    };
  }

  /** Reply first; a failed reply becomes a push through the outbox. */
  async #deliver(userId: string, outboxId: string, replyToken: string | undefined, messages: Parameters<LineApi['reply']>[1]): Promise<void> {
    if (replyToken) {
      try {
        await this.deps.line.forUser(userId).reply(replyToken, messages);
        this.deps.metrics.replies.inc({ result: 'ok' });
        this.#sent.add(outboxId);
        return;
      } catch (error) {
        this.deps.metrics.replies.inc({ result: 'failed' });
        this.deps.logger.warn({ outboxId, err: errorName(error) }, 'reply failed; pushing instead');
      }
    }
    await makeOutboxDue(this.#sql, outboxId, this.#clock());
    await this.deps.outbox.enqueue([outboxId]).catch((error: unknown) =>
      this.deps.logger.error({ outboxId, err: errorName(error) }, 'enqueue failed; the sweeper will retry'));
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

function errorName(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.slice(0, 200)}`;
  return 'unknown';
}
