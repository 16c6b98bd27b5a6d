/**
 * The worker side: delivers the outbox (LINE pushes and Discord DMs) from the BullMQ
 * queues, with the dispatcher that plans delivery requests and rebuilds the queue from
 * PostgreSQL (a BullMQ job scheduler), on a pool of its own; posts the staff feed to
 * Discord when a bot token is set (staff-feed-worker.ts); replays webhook events left
 * behind (inbox-replay-worker.ts); links rich menus by stage; fires schedules.
 * `ouen worker` runs it alone (cli/worker.command.ts: no HTTP server, no web code);
 * `ouen start` runs it beside the web side in one process (cli/start-ouen.ts).
 */
import { DiscordDmSender } from '../channels/discord/dm-push.ts';
import type { ConnectionOptions } from 'bullmq';
import { sqlClient, transactOn } from '../core/db/pg-transaction.ts';
import type { SqlClient } from '../core/db/types.ts';
import { createSqlPool } from '../core/db/sql-pool.ts';
import { isLocalMode, type Env } from '../core/env.ts';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { lineChannelsFor, type LineRouting } from '../runtime/line-routing.ts';
import { OutboxQueue } from '../runtime/outbox-queue.ts';
import { redisConnection } from '../runtime/redis-connection.ts';
import type { ServerStore } from '../runtime/server-store.ts';
import { startOutboxWorker, type RunningWorker } from './outbox-worker.ts';
import type { RunningStaffFeed } from './staff-feed-worker.ts';
import { startInboxReplayWorker, type RunningInboxReplay } from './inbox-replay-worker.ts';
import { handoffAvailable } from '../runtime/handoff-available.ts';
import { startRichMenuLinker } from './rich-menu-link-worker.ts';
import { startScheduleWorker, type RunningSchedules } from './schedule-worker.ts';
import { moduleReminders } from '../core/modules/module-reminders.ts';

export interface WorkerOptions {
  env: Env;
  store: Pick<ServerStore, 'db' | 'sealer' | 'program'>;
  /** The LINE API to push through: the web side's in `ouen start` (the built-in fake in local mode). */
  line: LineRouting;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
}

export interface RunningDelivery {
  outboxWorker: RunningWorker;
  outboxQueue: OutboxQueue;
  staffFeed?: RunningStaffFeed;
  inboxReplay: RunningInboxReplay;
  schedules: RunningSchedules;
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
  const staffFeed = env.DISCORD_BOT_TOKEN ? await startStaffFeed(options, sqlClient(sql), connection) : undefined;
  const inboxReplay = await startInboxReplayWorker({
    sql, sealer: store.sealer, program: store.program, line: lineChannelsFor(options.line), outbox: outboxQueue, logger, metrics: options.metrics,
    clock: options.clock, handoffAvailable: handoffAvailable(env), publicUrl: env.OUEN_PUBLIC_URL, connection, prefix: env.OUEN_QUEUE_PREFIX,
  });
  const richMenus = await startRichMenuLinker({ db: sqlClient(sql), transact: transactOn(sql), program: store.program, line: options.line, logger, clock: options.clock, connection, prefix: env.OUEN_QUEUE_PREFIX, publishFirst: isLocalMode(env) });
  // Schedules: synced from the program file, the queue rebuilt from PostgreSQL, fired into the outbox.
  const schedules = startScheduleWorker({
    db: sqlClient(sql), transact: transactOn(sql), sealer: store.sealer, program: store.program, reminders: moduleReminders,
    connection, prefix: env.OUEN_QUEUE_PREFIX, outboxQueue, logger, clock: options.clock,
  });
  return {
    outboxWorker,
    outboxQueue,
    staffFeed,
    inboxReplay,
    schedules,
    close: async () => {
      for (const step of [() => richMenus.close(), () => schedules.close(), async () => staffFeed?.close(), () => inboxReplay.close(), () => outboxWorker.close(), () => outboxQueue.close(), () => sql.end()]) {
        await step().catch((error: unknown) => logger.error({ err: errorFields(error) }, 'shutdown step failed'));
      }
    },
  };
}

/** Loaded only with a bot token: without one the worker carries no discord.js. */
async function startStaffFeed(options: WorkerOptions, db: SqlClient, connection: ConnectionOptions): Promise<RunningStaffFeed> {
  const { env, store } = options;
  const { startStaffFeedWorker } = await import('./staff-feed-worker.ts');
  const { feedRest } = await import('../channels/discord/staff/feed-rest.ts');
  return startStaffFeedWorker({
    rest: feedRest(env.DISCORD_BOT_TOKEN!, env.DISCORD_API_BASE_URL), db, sealer: store.sealer, program: store.program, clock: options.clock,
    language: 'ja', channels: { applications: env.DISCORD_APPLICATIONS_CHANNEL_ID, inbox: env.DISCORD_INBOX_CHANNEL_ID },
    logger: options.logger, connection, prefix: env.OUEN_QUEUE_PREFIX, databaseUrl: store.db.connectionString,
  });
}
