/**
 * `ouen worker`: outbox delivery alone (worker/start-worker.ts) on the store, until
 * SIGINT/SIGTERM. No HTTP server and no web code: nothing here imports bot/ (a test
 * reads this command's imports). Its health is the process's own: a supervisor restarts
 * it; what it could not deliver is in PostgreSQL for staff (failed deliveries) and in its logs.
 */
import { ConfigError } from '../core/config-error.ts';
import { isLocalMode, type Env } from '../core/env.ts';
import { createLogger } from '../core/logger.ts';
import { createMetrics } from '../core/metrics.ts';
import { lineApiFromEnv } from '../runtime/line-routing.ts';
import { openServerStore } from '../runtime/server-store.ts';
import { startWorker } from '../worker/start-worker.ts';
import { stopSignal } from './stop-signal.ts';

export async function runWorker(env: Env): Promise<number> {
  // Local mode's LINE is the fake inside `ouen start`'s web side, which delivers there itself.
  if (isLocalMode(env)) throw new ConfigError('ouen worker needs LINE credentials (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN); in local mode npm start (ouen start) delivers by itself');
  const stopAsked = stopSignal();
  const logger = createLogger(env.LOG_LEVEL);
  const store = await openServerStore(env);
  const delivery = await startWorker({
    env, store, line: { api: lineApiFromEnv(env) }, logger, metrics: createMetrics(), clock: () => new Date(),
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  logger.info({ database: store.db.mode, web: false, worker: true }, 'ouen started');
  const signal = await stopAsked;
  process.once(signal, () => process.exit(130));
  await delivery.close();
  await store.close();
  return 0;
}
