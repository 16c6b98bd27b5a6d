/**
 * Where conversation turns (and, with the worker role, outbox delivery) run: in a
 * processing thread of their own, or in this thread. The web side only sees an
 * {@link EventProcessor} either way.
 */
import type { ProgramConfig } from '../../flows/program.ts';
import { syncContest } from '../../core/contests/sync-contest.ts';
import type { Sealer } from '../../core/crypto/sealer.ts';
import type { Database } from '../../core/db/index.ts';
import type { Env } from '../../core/env.ts';
import type { Logger } from '../../core/logger.ts';
import { mergedMetricsText, type Metrics } from '../../core/metrics.ts';
import { createSqlPool } from '../../core/db/sql-pool.ts';
import { sqlDb, transactOn } from '../../core/db/pg-transaction.ts';
import { OutboxQueue } from '../../worker/outbox-queue.ts';
import { startOutboxWorker, type RunningWorker } from '../../worker/outbox-worker.ts';
import type { LineApiConfig, LineChannels } from '../line/line-api.ts';
import { LineEventProcessor, type EventProcessor } from '../line/line-event-processor.ts';
import { redisConnection } from '../redis-connection.ts';
import { replayPendingEvents } from './replay-pending.ts';
import { ThreadedProcessor } from './threaded-processor.ts';

export interface ProcessingOptions {
  env: Env;
  db: Database;
  sealer: Sealer;
  masterKey: Buffer;
  program: ProgramConfig;
  /** How this thread reaches LINE (possibly per user, see app.ts). */
  line: LineChannels;
  /** The same as data, for a processing thread: only one channel can be given to it. */
  lineApi: LineApiConfig;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
  /** Process webhook events (the web role). */
  web: boolean;
  /** Deliver outbox rows (the worker role). */
  worker: boolean;
  /** Only data crosses into a thread: an injected clock or per-user LINE routing keeps the work here. */
  inThread: boolean;
}

export interface Processing {
  processor?: EventProcessor;
  outboxWorker?: RunningWorker;
  outboxQueue?: OutboxQueue;
  metricsText(): Promise<string>;
  close(): Promise<void>;
}

const THREAD_YOUNG_GENERATION_MB = 32;

export async function startProcessing(options: ProcessingOptions): Promise<Processing> {
  if (options.web && options.inThread) return startThread(options);
  return startHere(options);
}

async function startThread(options: ProcessingOptions): Promise<Processing> {
  const { env, db, logger, metrics } = options;
  const threaded = await ThreadedProcessor.start({
    logger,
    resourceLimits: {
      // A smaller young generation than V8's default: measured, as fast and lighter.
      maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB,
      ...(env.OUEN_THREAD_HEAP_MB > 0 ? { maxOldGenerationSizeMb: env.OUEN_THREAD_HEAP_MB } : {}),
    },
    data: {
      connectionString: db.connectionString, poolSize: db.poolSize, masterKey: Uint8Array.from(options.masterKey),
      program: options.program, lineApi: options.lineApi, redisUrl: env.REDIS_URL, queuePrefix: env.OUEN_QUEUE_PREFIX,
      logLevel: logger.level, concurrency: env.OUEN_TURN_CONCURRENCY, outboxWorker: options.worker,
    },
  });
  return {
    processor: threaded,
    metricsText: async () => mergedMetricsText([await metrics.registry.getMetricsAsJSON(), await threaded.metrics()]),
    close: () => threaded.close(),
  };
}

async function startHere(options: ProcessingOptions): Promise<Processing> {
  const { env, db, sealer, program, line, logger, metrics, clock } = options;
  const sql = createSqlPool(db.connectionString, env.OUEN_TURN_CONCURRENCY + 3);
  await syncContest(transactOn(sql), program, clock());
  const connection = redisConnection(env.REDIS_URL);
  const outboxQueue = new OutboxQueue(connection, env.OUEN_QUEUE_PREFIX);
  const closers: Array<() => Promise<unknown>> = [() => sql.end(), () => outboxQueue.close()];
  let processor: LineEventProcessor | undefined;
  if (options.web) {
    const here = new LineEventProcessor({ sql, sealer, program, line, outbox: outboxQueue, logger, metrics, clock, concurrency: env.OUEN_TURN_CONCURRENCY });
    processor = here;
    closers.push(() => here.drain());
    closers.push(replayPendingEvents({ db: sqlDb(sql), sealer, dispatch: (events) => here.dispatch(events), clock, logger }));
  }
  let outboxWorker: RunningWorker | undefined;
  if (options.worker) {
    const worker = startOutboxWorker({ db: sqlDb(sql), sealer, line, logger, metrics, clock, connection, prefix: env.OUEN_QUEUE_PREFIX, queue: outboxQueue });
    outboxWorker = worker;
    closers.push(() => worker.close());
    void worker.sweep().catch(() => undefined);
  }
  return {
    processor, outboxWorker, outboxQueue,
    metricsText: () => metrics.registry.metrics(),
    close: async () => {
      for (const closer of closers.reverse()) await closer().catch((error: Error) => logger.error({ err: error.name }, 'shutdown step failed'));
    },
  };
}
