/**
 * The inbox replay on the worker: a BullMQ job scheduler (one id, so one replay every
 * half minute however many workers run) whose job processes the webhook events left
 * behind, stored but unprocessed for longer than the grace period (runtime/replay-pending.ts;
 * the replay at start stays with the web side's turns, before any new event). The turns
 * run here, through the same pipeline as the web side's; each event is consumed once, in
 * its turn's transaction, and a person's newer event is held back while an older one is
 * pending, so order and exactly-once hold across processes. The pipeline is loaded only
 * when something is left behind.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type pg from 'pg';
import type { ProgramConfig } from '../flows/program.ts';
import type { Sealer } from '../core/crypto/sealer.ts';
import { sqlClient } from '../core/db/pg-transaction.ts';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import type { LineChannels } from '../channels/line/line-api.ts';
import type { DueOutbox } from '../runtime/answer-delivery.ts';
import type { LineEventProcessor } from '../runtime/line-event-processor.ts';
import { leftBehindEvents, PENDING_EVENT_GRACE_MS } from '../runtime/replay-pending.ts';

import { INBOX_REPLAY_QUEUE, WORKER_METRICS } from '../runtime/queues.ts';

const REPLAY_SCHEDULER = 'inbox-replay';

export interface InboxReplayOptions {
  sql: pg.Pool;
  sealer: Sealer;
  program: ProgramConfig;
  line: LineChannels;
  outbox: DueOutbox;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
  handoffAvailable: boolean;
  publicUrl?: string;
  connection: ConnectionOptions;
  prefix: string;
  everyMs?: number;
}

export interface RunningInboxReplay {
  queue: Queue;
  worker: Worker;
  close(): Promise<void>;
}

export async function startInboxReplayWorker(options: InboxReplayOptions): Promise<RunningInboxReplay> {
  const { logger, clock } = options;
  const db = sqlClient(options.sql);
  let processor: LineEventProcessor | undefined;
  const replay = async (): Promise<number> => {
    const events = await leftBehindEvents({ db, sealer: options.sealer, clock, logger });
    if (events.length === 0) return 0;
    if (!processor) {
      const { LineEventProcessor } = await import('../runtime/line-event-processor.ts');
      processor = new LineEventProcessor({
        sql: options.sql, sealer: options.sealer, program: options.program, line: options.line, outbox: options.outbox,
        logger, metrics: options.metrics, clock, handoffAvailable: options.handoffAvailable, publicUrl: options.publicUrl,
      });
    }
    processor.dispatchReceived(events);
    await processor.drain();
    return events.length;
  };
  const queue = new Queue(INBOX_REPLAY_QUEUE, { connection: options.connection, prefix: options.prefix });
  const worker = new Worker(INBOX_REPLAY_QUEUE, replay, { connection: options.connection, prefix: options.prefix, concurrency: 1, metrics: WORKER_METRICS });
  worker.on('failed', (_job, error) => logger.error({ err: errorFields(error) }, 'inbox replay failed'));
  worker.on('error', (error) => logger.error({ err: errorFields(error) }, 'inbox replay worker error'));
  // A failed run is not retried: the next one comes within the same half minute.
  await queue.upsertJobScheduler(REPLAY_SCHEDULER, { every: options.everyMs ?? PENDING_EVENT_GRACE_MS }, {
    name: 'replay', opts: { attempts: 1, removeOnComplete: true, removeOnFail: true },
  });
  return {
    queue, worker,
    async close() {
      await worker.close();
      await processor?.drain();
      await queue.close();
    },
  };
}
