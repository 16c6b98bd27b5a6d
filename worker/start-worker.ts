/**
 * The worker side: delivers the outbox (LINE pushes and Discord DMs) from the BullMQ
 * queues, with the dispatcher that plans delivery requests and rebuilds the queue from
 * PostgreSQL (a BullMQ job scheduler), on a pool of its own.
 * `ouen worker` runs it alone (cli/worker.command.ts: no HTTP server, no web code);
 * `ouen start` runs it beside the web side in one process (cli/start-ouen.ts).
 */
import { DiscordDmSender } from '../channels/discord/dm-push.ts';
import { sqlClient, transactOn } from '../core/db/pg-transaction.ts';
import { createSqlPool } from '../core/db/sql-pool.ts';
import type { Env } from '../core/env.ts';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { lineChannelsFor, type LineRouting } from '../runtime/line-routing.ts';
import { OutboxQueue } from '../runtime/outbox-queue.ts';
import { redisConnection } from '../runtime/redis-connection.ts';
import type { ServerStore } from '../runtime/server-store.ts';
import { startOutboxWorker, type RunningWorker } from './outbox-worker.ts';

export interface WorkerOptions {
  env: Env;
  store: Pick<ServerStore, 'db' | 'sealer'>;
  /** The LINE API to push through: the web side's in `ouen start` (the built-in fake in local mode). */
  line: LineRouting;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
}

export interface RunningDelivery {
  outboxWorker: RunningWorker;
  outboxQueue: OutboxQueue;
  /** Stops taking jobs (waits for those in flight), then closes the queue and the pool. */
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningDelivery> {
  const { env, store, logger } = options;
  const sql = createSqlPool(store.db.connectionString, store.db.poolSize);
  const connection = redisConnection(env.REDIS_URL);
  const outboxQueue = new OutboxQueue(connection, env.OUEN_QUEUE_PREFIX);
  // Participants in Discord DMs are reached with the staff bot's token.
  const discord = env.DISCORD_BOT_TOKEN ? new DiscordDmSender(env.DISCORD_BOT_TOKEN, env.DISCORD_API_BASE_URL) : undefined;
  const outboxWorker = startOutboxWorker({
    db: sqlClient(sql), transact: transactOn(sql), sealer: store.sealer, line: lineChannelsFor(options.line), discord, logger, metrics: options.metrics, clock: options.clock,
    connection, prefix: env.OUEN_QUEUE_PREFIX, queue: outboxQueue,
    rateLimits: { push: env.OUEN_LINE_PUSH_PER_SECOND, multicast: env.OUEN_LINE_MULTICAST_PER_SECOND },
  });
  return {
    outboxWorker,
    outboxQueue,
    close: async () => {
      for (const step of [() => outboxWorker.close(), () => outboxQueue.close(), () => sql.end()]) {
        await step().catch((error: unknown) => logger.error({ err: errorFields(error) }, 'shutdown step failed'));
      }
    },
  };
}
