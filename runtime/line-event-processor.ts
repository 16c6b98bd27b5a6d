/**
 * LINE's events, accepted by the webhook and stored in the inbox, through the one turn
 * pipeline (turn-pipeline.ts) with the LINE adapter (channels/line/line-adapter.ts): one
 * user's events in the order they happened, answered with the reply token (free), the
 * outbox row the fallback push.
 *
 * An event held back because an older event of the same person is still pending (it
 * came in a later request, or another process has it) does not wait for the replay, nor
 * does its batch wait for it: the batch finishes for everyone else, and that person's
 * older events, then the held one, run first in their queue (catch-up.ts).
 */
import type pg from 'pg';
import type { messagingApi } from '@line/bot-sdk';
import type { ProgramConfig } from '../flows/program.ts';
import type { Sealer } from '../core/crypto/sealer.ts';
import { sqlClient } from '../core/db/pg-transaction.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import type { StoredReplyToken } from '../channels/channel-adapter.ts';
import type { LineChannels } from '../channels/line/line-api.ts';
import { LineAdapter } from '../channels/line/line-adapter.ts';
import type { ReceivedEvent } from '../channels/line/received-events.ts';
import type { LineEvent } from '../channels/line/webhook.schema.ts';
import type { DueOutbox } from './answer-delivery.ts';
import { catchUpBefore } from './catch-up.ts';
import { TurnPipeline } from './turn-pipeline.ts';

export interface LineEventProcessorDeps {
  /** Every statement runs on this pool; turns in transactions of their own (run-turn.ts). */
  sql: pg.Pool;
  sealer: Sealer;
  program: ProgramConfig;
  /** Someone can take a conversation over (the human inbox is configured). */
  handoffAvailable?: boolean;
  /** Where this server is reached from outside: images it serves (a ticket's QR code) are linked there. */
  publicUrl?: string;
  line: LineChannels;
  outbox: DueOutbox;
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

export class LineEventProcessor implements EventProcessor {
  readonly #pipeline: TurnPipeline<ReceivedEvent, StoredReplyToken, messagingApi.Message>;
  readonly #clock: () => Date;

  constructor(deps: LineEventProcessorDeps) {
    const { sql, sealer, line, logger, metrics } = deps;
    const clock = deps.clock ?? (() => new Date());
    this.#clock = clock;
    const catchUp = { db: sqlClient(sql), sealer, clock, logger };
    this.#pipeline = new TurnPipeline({
      ...deps,
      clock,
      adapter: new LineAdapter({ line, metrics, clock, replyWindowMs: deps.replyWindowMs }),
      intake: { kind: 'inbox', idOf: (received) => received.event.webhookEventId, catchUp: (held) => catchUpBefore(catchUp, held) },
    });
  }

  get backlog(): number {
    return this.#pipeline.backlog;
  }

  /** New events, just stored: received now, by this machine's clock. */
  dispatch(events: LineEvent[]): void {
    const receivedAt = this.#clock();
    this.dispatchReceived(events.map((event) => ({ event, receivedAt })));
  }

  /** Events read back from the inbox (the replay), with when they were received. */
  dispatchReceived(events: ReceivedEvent[]): void {
    // In the order they happened: one body can list a person's older event second.
    this.#pipeline.dispatch([...events].sort((a, b) => a.event.timestamp - b.event.timestamp));
  }

  drain(): Promise<void> {
    return this.#pipeline.drain();
  }
}
