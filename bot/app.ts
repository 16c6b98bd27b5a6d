/**
 * The web side: the webhook (its turns run through runtime/start-processing.ts), the
 * console in local mode, the staff bot, and health and metrics. Given the store
 * (runtime/server-store.ts); the worker is not here: `ouen start` composes both from the
 * command line (cli/start-ouen.ts), and bot/ never imports worker/.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import express from 'express';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { isLocalMode, type Env } from '../core/env.ts';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { createSqlPool } from '../core/db/sql-pool.ts';
import { sqlClient } from '../core/db/pg-transaction.ts';
import { hasPlaceholderContact } from '../core/program/load-program.ts';
import type { FakeLineStore } from './console/fake-line-store.ts';
import { consoleTestRecipient } from './console/console-test-recipient.ts';
import type { StaffDeps } from './staff/staff-commands.ts';
import { errorHandler } from './http/error-handler.ts';
import { choosePort, closeServer, isLoopback, listen, listenHost, selfUrl } from './http/listen.ts';
import { healthRouter } from './http/health.route.ts';
import { ticketRouter } from './http/ticket.route.ts';
import type { LineApiConfig } from '../channels/line/line-api.ts';
import type { EventProcessor } from '../runtime/line-event-processor.ts';
import { lineApiFromEnv, type LineRouting } from '../runtime/line-routing.ts';
import type { ServerStore } from '../runtime/server-store.ts';
import { startProcessing } from '../runtime/start-processing.ts';
import { lineWebhookRouter } from './line/webhook.route.ts';
import { redisConnection } from '../runtime/redis-connection.ts';
import { checkRedisEviction } from '../runtime/redis-eviction.ts';
import { registerQueueMetrics } from '../runtime/queue-metrics.ts';

export interface WebOptions {
  env: Env;
  store: ServerStore;
  logger: Logger;
  /** The process's metrics; in `ouen start` the worker's are in the same registry, so `/metrics` serves both. */
  metrics: Metrics;
  /** A clock of the caller's (tests that move time, the demo's seeding): turns then run in this thread. */
  clock?: () => Date;
}

export interface RunningWeb {
  url: string;
  port: number;
  /** The address the server listens on (bot/http/listen.ts). */
  host: string;
  processor: EventProcessor;
  /** The LINE API this side talks to (the built-in fake in local mode): the worker beside it pushes through the same. */
  line: LineRouting;
  /** Only in local mode (or with OUEN_CONSOLE): what the bot sent to the built-in fake LINE API. */
  fakeLine?: FakeLineStore;
  /** Where the console answers (its Host check accepts this address), when there is one. */
  consoleUrl?: string;
  channelSecret: string;
  close(): Promise<void>;
}

export async function startWeb(options: WebOptions): Promise<RunningWeb> {
  const { env, store, logger, metrics } = options;
  const clock = options.clock ?? (() => new Date());
  const { db, program, sealer } = store;
  const local = isLocalMode(env);
  if (!local && hasPlaceholderContact(program)) {
    logger.warn('the program file has no real office contact (phone, e-mail or web page): participants are shown a placeholder; set "contact" (README)');
  }
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: Error) => logger.error({ err: errorFields(error) }, 'shutdown step failed'));
  };
  try {
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
    closers.push(() => redis.quit());
    void checkRedisEviction(redis, logger);
    // The web thread's own statements (storing webhook events, the health check).
    const sql = createSqlPool(db.connectionString, WEB_POOL_SIZE);
    closers.push(() => sql.end());

    const app = express();
    app.disable('x-powered-by');
    // The port is chosen now but opened last, when every route is mounted (bot/http/listen.ts).
    const host = listenHost(env);
    const port = await choosePort(env.PORT, host);
    const self = selfUrl(host, port);
    const url = env.OUEN_PUBLIC_URL ?? self;

    const channelSecret = env.LINE_CHANNEL_SECRET ?? randomBytes(16).toString('hex');
    const channelAccessToken = env.LINE_CHANNEL_ACCESS_TOKEN ?? randomBytes(24).toString('base64url');
    // The SDK resolves API paths against the origin of its base URL (any path is dropped),
    // so the built-in fake answers LINE's own paths (/v2/…) at this server's root.
    const fakeConfig: LineApiConfig = { channelAccessToken, apiBaseUrl: self, dataApiBaseUrl: self };
    // The staff commands' dependencies, made once, when the console panel or Discord needs them.
    let staff: StaffDeps | undefined;
    let staffSql: pg.Pool | undefined;
    const staffDeps = async () => {
      if (staff) return staff;
      const [{ staffDepsOn }, { OutboxQueue }] = await Promise.all([import('./staff/staff-commands.ts'), import('../runtime/outbox-queue.ts')]);
      const pool = createSqlPool(db.connectionString, STAFF_POOL_SIZE);
      staffSql = pool;
      closers.push(() => pool.end());
      // Approved results go to the delivery queue at once, wherever the worker runs.
      const releaseQueue = new OutboxQueue(redisConnection(env.REDIS_URL), env.OUEN_QUEUE_PREFIX);
      closers.push(() => releaseQueue.close());
      // The month's LINE quota, read before a broadcast or results are approved: from the
      // built-in fake in local mode, else from LINE (none without LINE credentials).
      const { LineApi } = await import('../channels/line/line-api.ts');
      const quotaApi = local ? new LineApi(fakeConfig) : env.LINE_CHANNEL_ACCESS_TOKEN ? new LineApi(lineApiFromEnv(env)) : undefined;
      return (staff = staffDepsOn(pool, {
        sealer, program, clock, release: (ids) => releaseQueue.enqueue(ids),
        ...(quotaApi ? { quota: () => quotaApi.messageQuota() } : {}),
        ...(local ? { ownParticipant: (actor: string) => consoleTestRecipient(sqlClient(pool), fakeLine, actor) } : {}),
      }));
    };

    let fakeLine: FakeLineStore | undefined;
    let consoleUrl: string | undefined;
    if (local || env.OUEN_CONSOLE) {
      // Loaded only here: a production web thread carries no console code.
      const [{ createFakeLineApi }, { consoleRouter }, { localOnly, localOnlyOptions }] = await Promise.all([
        import('./console/fake-line-api.ts'), import('./console/console.route.ts'), import('./console/local-only.ts'),
      ]);
      if (!local) logger.warn({ mode: 'line', console: true }, CONSOLE_BESIDE_LINE_WARNING);
      // Local mode keeps its users and chats under the data directory (one process at a time), so a restart forgets nobody.
      const fake = createFakeLineApi({ channelAccessToken, journalDir: local ? join(env.OUEN_DATA_DIR, 'console') : undefined, logger });
      fakeLine = fake.store;
      closers.push(async () => fake.close());
      app.use(fake.router);
      const guard = localOnlyOptions(env, port, host);
      consoleUrl = guard.consoleUrl;
      app.use('/console', localOnly(guard));
      app.use(consoleRouter({ channelSecret, webhookUrl: `${self}/webhooks/line`, store: fake.store }));
      if (local) {
        const [{ staffPanelRouter }, { runStaffCommand }] = await Promise.all([import('./console/staff-panel.route.ts'), import('./staff/staff-commands.ts')]);
        const deps = await staffDeps();
        // The staff panel has no login and shows who applied: this machine only, even when
        // the console itself was opened to the network (OUEN_HOST).
        app.use('/console/api/staff', localOnly({ ...guard, loopbackPeersOnly: true }));
        app.use(staffPanelRouter((request) => runStaffCommand(deps, request), program));
        if (!isLoopback(host)) logger.warn({ host }, CONSOLE_ON_NETWORK_WARNING);
      }
    }
    const line: LineRouting = local ? { api: fakeConfig } : {
      api: lineApiFromEnv(env),
      consoleBesideLine: fakeLine && { api: fakeConfig, serves: (userId: string) => fakeLine!.user(userId) !== undefined },
    };

    const processing = await startProcessing({
      env, db, sealer, masterKey: store.masterKey, program, line, logger, metrics, clock, publicUrl: url,
      // Only data crosses into a thread: an injected clock (tests) or per-user routing
      // between the fake and LINE (the console beside real credentials) keeps turns here.
      inThread: env.OUEN_PROCESSING_THREAD && !options.clock && !line.consoleBesideLine,
    });
    closers.push(() => processing.close());
    const { processor } = processing;
    app.use(lineWebhookRouter({ channelSecret, sql, sealer, processor, logger, metrics, maxBacklog: env.OUEN_MAX_BACKLOG, clock }));
    if (env.DISCORD_BOT_TOKEN) {
      // Loaded only when configured: without a token the web thread carries no discord.js.
      const { startStaffBot } = await import('./discord/start-staff-bot.ts');
      const deps = await staffDeps();
      const bot = startStaffBot({ env, deps, logger, sql: staffSql!, publicUrl: url });
      closers.push(() => bot.close());
    }
    // Event tickets' QR images (the token in the URL is checked on every request).
    app.use(ticketRouter({ db: sqlClient(sql), sealer, logger }));
    // Queue depth, totals and oldest-job age, read from Redis at scrape time (runtime/queue-metrics.ts).
    closers.push(registerQueueMetrics(metrics.registry, { redis, prefix: env.OUEN_QUEUE_PREFIX }).close);
    app.use(healthRouter({ sql, redis, metricsText: processing.metricsText }));
    // The admins' queue dashboard: behind OUEN_ADMIN_TOKEN, or this machine only in local mode; else not mounted.
    if (env.OUEN_ADMIN_TOKEN || local) closers.push((await import('./http/queue-dashboard.ts')).mountQueueDashboard(app, { env, redis, port, host }));
    app.use(errorHandler(logger));
    const server = await listen(app, port, host);
    closers.push(() => closeServer(server));
    return { url, port, host, processor, line, fakeLine, consoleUrl, channelSecret, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Two concurrent inbox writes (group commit) and the health check. */
const WEB_POOL_SIZE = 3;
/** Staff commands, the staff feed and participants' turns in Discord DMs. */
const STAFF_POOL_SIZE = 4;

/** Logged (and printed by `ouen start`) when local mode listens beyond this machine. */
export const CONSOLE_ON_NETWORK_WARNING =
  'local mode listens beyond this machine (OUEN_HOST): anyone who reaches the port can use the console as LINE users (it has no login); the staff panel still answers only on this machine';

/** Logged (and printed by `ouen start`) whenever the console runs beside real LINE credentials. */
export const CONSOLE_BESIDE_LINE_WARNING =
  'OUEN_CONSOLE=1 beside real LINE credentials: console users are participants in the real database, their applications count like any other, and the console answers only on this machine';
