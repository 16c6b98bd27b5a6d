/**
 * Turns in this thread: tests that move the clock, the console beside real credentials,
 * or OUEN_PROCESSING_THREAD=0.
 */
import { lineChannelsFor } from './line-routing.ts';
import { handoffAvailable, type Processing, type ProcessingOptions } from './start-processing.ts';
import { startTurnWork } from './turn-work.ts';

export async function processHere(options: ProcessingOptions): Promise<Processing> {
  const { env, db, metrics } = options;
  const work = await startTurnWork({
    connectionString: db.connectionString, poolSize: db.poolSize, redisUrl: env.REDIS_URL, queuePrefix: env.OUEN_QUEUE_PREFIX,
    sealer: options.sealer, program: options.program, line: lineChannelsFor(options.line), logger: options.logger, metrics, clock: options.clock,
    concurrency: env.OUEN_TURN_CONCURRENCY, handoffAvailable: handoffAvailable(env), publicUrl: options.publicUrl,
  });
  return { ...work, metricsText: () => metrics.registry.metrics() };
}
