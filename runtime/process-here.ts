/**
 * Turns in this thread: tests that move the clock, the console beside real credentials,
 * or OUEN_PROCESSING_THREAD=0.
 */
import { lineChannelsFor } from './line-routing.ts';
import type { Processing, ProcessingOptions } from './start-processing.ts';
import { startTurnWork } from './turn-work.ts';

/** `handoffAvailable`: whether anyone can take a conversation over (start-processing.ts decides it for both paths). */
export async function processHere(options: ProcessingOptions, handoffAvailable: boolean): Promise<Processing> {
  const { env, db, metrics } = options;
  const work = await startTurnWork({
    connectionString: db.connectionString, poolSize: db.poolSize, redisUrl: env.REDIS_URL, queuePrefix: env.OUEN_QUEUE_PREFIX,
    sealer: options.sealer, program: options.program, line: lineChannelsFor(options.line), logger: options.logger, metrics, clock: options.clock,
    concurrency: env.OUEN_TURN_CONCURRENCY, handoffAvailable, publicUrl: options.publicUrl,
  });
  return { ...work, metricsText: () => metrics.registry.metrics() };
}
