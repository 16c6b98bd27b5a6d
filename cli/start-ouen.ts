/**
 * `ouen start` and `ouen web`, composed here (bot/ and worker/ never import each other):
 * the store, the web side (bot/app.ts) and, for `ouen start`, the worker beside it in
 * the same process (worker/start-worker.ts), pushing through the same LINE API (in local
 * mode the built-in fake the web side serves) and counting into the same metrics.
 * `ouen worker` alone is cli/worker.command.ts, which loads no web code.
 */
import { startWeb, type RunningWeb } from '../bot/app.ts';
import { isLocalMode, type Env } from '../core/env.ts';
import { errorFields } from '../core/error-fields.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { createMetrics, type Metrics } from '../core/metrics.ts';
import type { Postgres } from '../core/db/open-postgres.ts';
import type { Sealer } from '../core/crypto/sealer.ts';
import type { Program } from '../core/program/load-program.ts';
import { openServerStore } from '../runtime/server-store.ts';
import { startWorker, type RunningDelivery } from '../worker/start-worker.ts';

export interface OuenOptions {
  env: Env;
  /** The web side always runs: the worker alone is `ouen worker` (cli/worker.command.ts). */
  web: true;
  /** Also deliver the outbox in this process (`ouen start`). */
  worker: boolean;
  logger?: Logger;
  /** A clock of the caller's (tests that move time, the demo's seeding). */
  clock?: () => Date;
  /** Told how the start goes, in words for a person at a terminal (`npm start` in local mode). */
  progress?: (message: string) => void;
}

export interface RunningOuen extends Omit<RunningWeb, 'close'> {
  env: Env;
  db: Postgres;
  program: Program;
  sealer: Sealer;
  metrics: Metrics;
  /** Only with the worker role (`ouen start`). */
  delivery?: RunningDelivery;
  /** Stops the web side (its turns drained), then the worker, then the store. */
  close(): Promise<void>;
}

export async function startOuen(options: OuenOptions): Promise<RunningOuen> {
  const { env } = options;
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  const metrics = createMetrics();
  const store = await openServerStore(env, { progress: options.progress });
  let web: RunningWeb | undefined;
  let delivery: RunningDelivery | undefined;
  // The web side first: its turns drain (and put what they could not reply on the queue) while the worker still runs.
  const close = async () => {
    for (const step of [web?.close, delivery?.close, store.close]) {
      await step?.().catch((error: unknown) => logger.error({ err: errorFields(error) }, 'shutdown step failed'));
    }
  };
  try {
    web = await startWeb({ env, store, logger, metrics, clock: options.clock });
    // After the web side: in local mode the worker pushes to the built-in fake it serves.
    if (options.worker) delivery = await startWorker({ env, store, line: web.line, logger, metrics, clock: options.clock ?? (() => new Date()) });
    logger.info({ port: web.port, host: web.host, mode: isLocalMode(env) ? 'local' : 'line', database: store.db.mode, web: true, worker: options.worker }, 'ouen started');
    const { db, program, sealer } = store;
    return { ...web, env, db, program, sealer, metrics, delivery, close };
  } catch (error) {
    await close();
    throw error;
  }
}
