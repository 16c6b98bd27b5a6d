/**
 * Everything that runs turns and delivers the outbox, on its own node-postgres pool:
 * the contest synced from the configuration, the event processor (the web role) with the
 * replay of pending events, and the outbox worker (the worker role). The processing
 * thread and the in-thread path (process-here.ts) both start exactly this.
 */
import type { ProgramConfig } from '../flows/program.ts';
import { syncContest } from '../core/contests/sync-contest.ts';
import type { Sealer } from '../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../core/db/pg-transaction.ts';
import { createSqlPool } from '../core/db/sql-pool.ts';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { OutboxQueue } from './outbox-queue.ts';
import { startOutboxWorker, type RunningWorker } from '../worker/outbox-worker.ts';
import { settleUnconfirmedReplies } from './settle-unconfirmed-replies.ts';
import { DiscordDmSender } from '../channels/discord/dm-push.ts';
import type { LineChannels } from '../channels/line/line-api.ts';
import { LineEventProcessor } from './line-event-processor.ts';
import { redisConnection } from './redis-connection.ts';
import { startReplay } from './replay-pending.ts';

export interface TurnWorkOptions {
  connectionString: string;
  poolSize: number;
  redisUrl: string;
  queuePrefix: string;
  sealer: Sealer;
  program: ProgramConfig;
  line: LineChannels;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
  /** Turn batches at once (OUEN_TURN_CONCURRENCY). */
  concurrency: number;
  /** Process webhook events (the web role). */
  web: boolean;
  /** Deliver outbox rows (the worker role). */
  worker: boolean;
  /** Participants in Discord DMs are reached with the staff bot's token. */
  discordDm?: { token: string; apiBase: string };
  /** Someone can take a conversation over (the human inbox is configured). */
  handoffAvailable: boolean;
  onBacklog?: (size: number) => void;
}

export interface TurnWork {
  processor?: LineEventProcessor;
  outboxWorker?: RunningWorker;
  outboxQueue: OutboxQueue;
  /** Stops delivery and replay, drains the processor, then closes the queue and the pool. */
  close(): Promise<void>;
}

/** Resolves once pending events are replayed (before anything newer can be dispatched). */
export async function startTurnWork(options: TurnWorkOptions): Promise<TurnWork> {
  const { sealer, program, line, logger, metrics, clock } = options;
  const sql = createSqlPool(options.connectionString, options.poolSize);
  const closers: Array<() => Promise<unknown>> = [() => sql.end()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: unknown) => logger.error({ err: errorFields(error) }, 'shutdown step failed'));
  };
  try {
    await syncContest(transactOn(sql), program, clock());
    const connection = redisConnection(options.redisUrl);
    const outboxQueue = new OutboxQueue(connection, options.queuePrefix);
    closers.push(() => outboxQueue.close());
    let processor: LineEventProcessor | undefined;
    if (options.web) {
      const here = new LineEventProcessor({
        sql, sealer, program, line, outbox: outboxQueue, logger, metrics, clock, concurrency: options.concurrency, onBacklog: options.onBacklog,
        handoffAvailable: options.handoffAvailable,
      });
      processor = here;
      closers.push(() => here.drain());
      await settleUnconfirmedReplies({ db: sqlClient(sql), sealer, line, logger, metrics, clock, queue: outboxQueue });
      // What a stopped process or a dead thread left runs before anything newer.
      closers.push(await startReplay({ db: sqlClient(sql), sealer, dispatch: (events) => here.dispatchReceived(events), clock, logger }));
    }
    let outboxWorker: RunningWorker | undefined;
    if (options.worker) {
      const discord = options.discordDm ? new DiscordDmSender(options.discordDm.token, options.discordDm.apiBase) : undefined;
      const worker = startOutboxWorker({ db: sqlClient(sql), sealer, line, discord, logger, metrics, clock, connection, prefix: options.queuePrefix, queue: outboxQueue });
      outboxWorker = worker;
      closers.push(() => worker.close());
      void worker.sweep().catch(() => undefined);
    }
    return { processor, outboxWorker, outboxQueue, close };
  } catch (error) {
    await close();
    throw error;
  }
}

