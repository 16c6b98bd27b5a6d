/**
 * `ouen worker`: outbox delivery alone (worker/start-worker.ts) on the store, until
 * SIGINT/SIGTERM, then a graceful stop within OUEN_SHUTDOWN_GRACE_MS (cli/stop-within.ts).
 * No web code: nothing here imports bot/ (a test reads this command's imports). With
 * OUEN_WORKER_METRICS_PORT it serves /healthz and /metrics (worker/health-server.ts) on
 * plain node:http; without, it opens no port, and its health is the process's own: a
 * supervisor restarts it; what it could not deliver is in PostgreSQL for staff (failed
 * deliveries) and in its logs.
 */
import { Redis } from 'ioredis';
import { ConfigError } from '../core/config-error.ts';
import { createSqlPool } from '../core/db/sql-pool.ts';
import { isLocalMode, type Env } from '../core/env.ts';
import { errorFields } from '../core/error-fields.ts';
import { createLogger } from '../core/logger.ts';
import { createMetrics, type Metrics } from '../core/metrics.ts';
import { lineApiFromEnv } from '../runtime/line-routing.ts';
import { registerQueueMetrics } from '../runtime/queue-metrics.ts';
import { checkRedisEviction } from '../runtime/redis-eviction.ts';
import { openServerStore, type ServerStore } from '../runtime/server-store.ts';
import { startHealthServer } from '../worker/health-server.ts';
import { startWorker } from '../worker/start-worker.ts';
import { stopSignal } from './stop-signal.ts';
import { STOP_TIMED_OUT, stopWithin } from './stop-within.ts';

export async function runWorker(env: Env): Promise<number> {
  // Local mode's LINE is the fake inside `ouen start`'s web side, which delivers there itself.
  if (isLocalMode(env)) throw new ConfigError('ouen worker needs LINE credentials (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN); in local mode npm start (ouen start) delivers by itself');
  const stopAsked = stopSignal();
  const logger = createLogger(env.LOG_LEVEL);
  const metrics = createMetrics();
  const store = await openServerStore(env);
  // Stopped last first: the port, then delivery (its jobs in flight finish), then Redis and the store.
  const closers: Array<() => Promise<unknown>> = [() => store.close()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: unknown) => logger.error({ err: errorFields(error) }, 'shutdown step failed'));
  };
  let metricsPort: number | undefined;
  try {
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    closers.push(() => redis.quit());
    void checkRedisEviction(redis, logger);
    const delivery = await startWorker({
      env, store, line: { api: lineApiFromEnv(env) }, logger, metrics, clock: () => new Date(),
    });
    closers.push(() => delivery.close());
    if (env.OUEN_WORKER_METRICS_PORT) metricsPort = await serveHealth(env, { store, redis, metrics, closers });
  } catch (error) {
    await close();
    throw error;
  }
  logger.info({ database: store.db.mode, web: false, worker: true, metricsPort }, 'ouen started');
  const signal = await stopAsked;
  logger.info({ signal }, 'ouen stopping');
  process.once(signal, () => process.exit(130));
  if (!(await stopWithin(close, env.OUEN_SHUTDOWN_GRACE_MS, logger))) process.exit(STOP_TIMED_OUT);
  return 0;
}

/** /healthz and /metrics on OUEN_WORKER_METRICS_PORT (the queues' numbers as every web process serves them). */
async function serveHealth(env: Env, on: { store: ServerStore; redis: Redis; metrics: Metrics; closers: Array<() => Promise<unknown>> }): Promise<number> {
  const sql = createSqlPool(on.store.db.connectionString, 1);
  on.closers.push(() => sql.end());
  on.closers.push(registerQueueMetrics(on.metrics.registry, { redis: on.redis, prefix: env.OUEN_QUEUE_PREFIX }).close);
  const server = await startHealthServer({
    port: env.OUEN_WORKER_METRICS_PORT!,
    // Like the web side with real credentials: every interface, unless OUEN_HOST says otherwise.
    host: env.OUEN_HOST ?? '0.0.0.0',
    health: async () => {
      const [database, redis] = await Promise.all([
        sql.query('SELECT 1').then(() => 'ok' as const, () => 'down' as const),
        on.redis.ping().then(() => 'ok' as const, () => 'down' as const),
      ]);
      return { database, redis };
    },
    metricsText: () => on.metrics.registry.metrics(),
  });
  on.closers.push(() => server.close());
  return server.port;
}

