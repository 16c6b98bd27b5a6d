/**
 * Where the web side's conversation turns run: in a processing thread of their own, or
 * in this thread. The web side only sees an {@link EventProcessor} either way. The
 * in-thread path is loaded only when used, so a web thread beside a processing thread
 * carries none of its code.
 */
import type { ProgramConfig } from '../flows/program.ts';
import type { Sealer } from '../core/crypto/sealer.ts';
import type { Postgres } from '../core/db/open-postgres.ts';
import type { Env } from '../core/env.ts';
import { handoffAvailable } from './handoff-available.ts';
import type { Logger } from '../core/logger.ts';
import { mergedMetricsText, type Metrics } from '../core/metrics.ts';
import type { EventProcessor } from './line-event-processor.ts';
import type { LineRouting } from './line-routing.ts';
import { ThreadedProcessor } from './threaded-processor.ts';

export interface ProcessingOptions {
  env: Env;
  db: Postgres;
  sealer: Sealer;
  masterKey: Buffer;
  program: ProgramConfig;
  line: LineRouting;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
  /** Only data crosses into a thread: an injected clock or per-user LINE routing keeps the work here. */
  inThread: boolean;
  /** Where this server is reached from outside: images it serves (a ticket's QR code) are linked there. */
  publicUrl?: string;

}

export interface Processing {
  processor: EventProcessor;
  metricsText(): Promise<string>;
  close(): Promise<void>;
}

/** A smaller young generation than V8's default: measured as fast, and lighter. */
const THREAD_YOUNG_GENERATION_MB = 32;

export async function startProcessing(options: ProcessingOptions): Promise<Processing> {
  if (options.inThread) return startThread(options);
  const { processHere } = await import('./process-here.ts');
  return processHere(options, handoffAvailable(options.env));
}

async function startThread(options: ProcessingOptions): Promise<Processing> {
  const { env, db, logger, metrics } = options;
  const threaded = await ThreadedProcessor.start({
    logger,
    resourceLimits: {
      maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB,
      ...(env.OUEN_THREAD_HEAP_MB > 0 ? { maxOldGenerationSizeMb: env.OUEN_THREAD_HEAP_MB } : {}),
    },
    data: {
      connectionString: db.connectionString, poolSize: db.poolSize, masterKey: Uint8Array.from(options.masterKey),
      program: options.program, lineApi: options.line.api, redisUrl: env.REDIS_URL, queuePrefix: env.OUEN_QUEUE_PREFIX,
      logLevel: logger.level, concurrency: env.OUEN_TURN_CONCURRENCY, handoffAvailable: handoffAvailable(env), publicUrl: options.publicUrl,
    },
  });
  return {
    processor: threaded,
    metricsText: async () => mergedMetricsText([await metrics.registry.getMetricsAsJSON(), await threaded.metrics()]),
    close: () => threaded.close(),
  };
}
