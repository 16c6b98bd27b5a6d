/**
 * The composition root: reads configuration, opens the store, and starts the web side
 * (webhook, console, health), the worker side (outbox delivery), or both in one process.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import express from 'express';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { loadMasterKey } from '../core/crypto/load-key.ts';
import { Sealer } from '../core/crypto/sealer.ts';
import { openPostgres, type Postgres } from '../core/db/open-postgres.ts';
import { isLocalMode, type Env } from '../core/env.ts';
import { ConfigError } from '../core/config-error.ts';
import { errorFields } from '../core/error-fields.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { createMetrics, type Metrics } from '../core/metrics.ts';
import { createSqlPool } from '../core/db/sql-pool.ts';
import { sqlClient } from '../core/db/pg-transaction.ts';
import { hasPlaceholderContact, loadProgram, type Program } from '../core/program/load-program.ts';
import type { OutboxQueue } from '../runtime/outbox-queue.ts';
import type { RunningWorker } from '../worker/outbox-worker.ts';
import type { FakeLineStore } from './console/fake-line-store.ts';
import type { StaffDeps } from './staff/staff-commands.ts';
import { errorHandler } from './http/error-handler.ts';
import { choosePort, closeServer, isLoopback, listen, listenHost, selfUrl } from './http/listen.ts';
import { healthRouter } from './http/health.route.ts';
import { ticketRouter } from './http/ticket.route.ts';
import type { LineApiConfig } from '../channels/line/line-api.ts';
import type { EventProcessor } from '../runtime/line-event-processor.ts';
import { startProcessing } from '../runtime/start-processing.ts';
import { lineWebhookRouter } from './line/webhook.route.ts';
import { redisConnection, warnUnlessNoEviction } from '../runtime/redis-connection.ts';

export interface OuenOptions {
  env: Env;
  web: boolean;
  worker: boolean;
  logger?: Logger;
  clock?: () => Date;
  /** Told how the start goes, in words for a person at a terminal (`npm start` in local mode). */
  progress?: (message: string) => void;
}

export interface RunningOuen {
  env: Env;
  url: string;
  port: number;
  /** The address the server listens on (bot/http/listen.ts). */
  host: string;
  db: Postgres;
  program: Program;
  sealer: Sealer;
  metrics: Metrics;
  processor?: EventProcessor;
  /** Only when delivery runs in this thread (not in a processing thread). */
  outboxWorker?: RunningWorker;
  outboxQueue?: OutboxQueue;
  /** Only in local mode (or with OUEN_CONSOLE): what the bot sent to the built-in fake LINE API. */
  fakeLine?: FakeLineStore;
  /** Where the console answers (its Host check accepts this address), when there is one. */
  consoleUrl?: string;
  channelSecret: string;
  close(): Promise<void>;
}

export async function startOuen(options: OuenOptions): Promise<RunningOuen> {
  const { env } = options;
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  const clock = options.clock ?? (() => new Date());
  const metrics = createMetrics();
  const local = isLocalMode(env);
  if (!local && !env.OUEN_ENCRYPTION_KEY) {
    throw new ConfigError('OUEN_ENCRYPTION_KEY is required with real LINE credentials (openssl rand -base64 32)');
  }
  const program = loadProgram(env.OUEN_PROGRAM_FILE);
  if (!local && hasPlaceholderContact(program)) {
    logger.warn('the program file has no real office contact (phone, e-mail or web page): participants are shown a placeholder; set "contact" (README)');
  }
  const masterKey = loadMasterKey({ envKey: env.OUEN_ENCRYPTION_KEY, keyFile: join(env.OUEN_DATA_DIR, 'ouen.key') });
  const sealer = new Sealer(masterKey);
  const db = await openPostgres({ databaseUrl: env.DATABASE_URL, dataDir: join(env.OUEN_DATA_DIR, 'postgres'), onProgress: options.progress });
  const closers: Array<() => Promise<unknown>> = [() => db.close()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: Error) => logger.error({ err: errorFields(error) }, 'shutdown step failed'));
  };
  try {
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
    closers.push(() => redis.quit());
    void warnUnlessNoEviction(redis, logger);
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
    const realConfig: LineApiConfig = local ? fakeConfig : {
      channelAccessToken,
      apiBaseUrl: env.LINE_API_BASE_URL ?? 'https://api.line.me',
      // A stand-in for LINE given as LINE_API_BASE_URL serves the data API too, unless told otherwise.
      dataApiBaseUrl: env.LINE_DATA_API_BASE_URL ?? (env.LINE_API_BASE_URL && !isLineHost(env.LINE_API_BASE_URL) ? env.LINE_API_BASE_URL : 'https://api-data.line.me'),
    };
    // The staff commands' dependencies, made once, when the console panel or Discord needs them.
    let staff: StaffDeps | undefined;
    let staffSql: pg.Pool | undefined;
    const staffDeps = async () => {
      if (staff) return staff;
      const [{ staffDepsOn }, { OutboxQueue }, { renderForParticipant }] = await Promise.all([
        import('./staff/staff-commands.ts'), import('../runtime/outbox-queue.ts'), import('../runtime/participant-renderer.ts'),
      ]);
      const pool = createSqlPool(db.connectionString, STAFF_POOL_SIZE);
      staffSql = pool;
      closers.push(() => pool.end());
      // Approved results go to the delivery queue at once, wherever the worker runs.
      const releaseQueue = new OutboxQueue(redisConnection(env.REDIS_URL), env.OUEN_QUEUE_PREFIX);
      closers.push(() => releaseQueue.close());
      return (staff = staffDepsOn(pool, { sealer, program, clock, release: (ids) => releaseQueue.enqueue(ids), render: renderForParticipant }));
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
    const consoleBesideLine = local || !fakeLine ? undefined : { api: fakeConfig, serves: (userId: string) => fakeLine!.user(userId) !== undefined };

    const processing = await startProcessing({
      env, db, sealer, masterKey, program, lineApi: realConfig, consoleBesideLine, logger, metrics, clock, web: options.web, worker: options.worker,
      // Only data crosses into a thread: an injected clock (tests) or per-user routing
      // between the fake and LINE (the console beside real credentials) keeps turns here.
      inThread: env.OUEN_PROCESSING_THREAD && !options.clock && !(env.OUEN_CONSOLE && !local),
    });
    closers.push(() => processing.close());
    const { processor } = processing;
    if (processor) {
      app.use(lineWebhookRouter({ channelSecret, sql, sealer, processor, logger, metrics, maxBacklog: env.OUEN_MAX_BACKLOG, clock }));
    }
    if (options.web && env.DISCORD_BOT_TOKEN) {
      // Loaded only when configured: without a token the web thread carries no discord.js.
      const { startStaffBot } = await import('./discord/start-staff-bot.ts');
      const deps = await staffDeps();
      const bot = startStaffBot({ env, deps, logger, databaseUrl: db.connectionString, sql: staffSql! });
      closers.push(() => bot.close());
    }
    // Event tickets' QR images (the token in the URL is checked on every request).
    app.use(ticketRouter({ db: sqlClient(sql), sealer, logger }));
    app.use(healthRouter({ sql, redis, metricsText: processing.metricsText }));
    app.use(errorHandler(logger));
    const server = await listen(app, port, host);
    closers.push(() => closeServer(server));

    logger.info({ port, host, mode: local ? 'local' : 'line', database: db.mode, web: options.web, worker: options.worker }, 'ouen started');
    return { env, url, port, host, db, program, sealer, metrics, processor, outboxWorker: processing.outboxWorker, outboxQueue: processing.outboxQueue, fakeLine, consoleUrl, channelSecret, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function isLineHost(url: string): boolean {
  return new URL(url).hostname.endsWith('.line.me');
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
