/**
 * Turns and outbox delivery in this thread: the worker role alone (`ouen worker`), tests
 * that move the clock, the console beside real credentials, or OUEN_PROCESSING_THREAD=0.
 */
import { LineApi, singleChannel, type LineChannels } from '../channels/line/line-api.ts';
import { discordDmOf, handoffAvailable, type Processing, type ProcessingOptions } from './start-processing.ts';
import { startTurnWork } from './turn-work.ts';

export async function processHere(options: ProcessingOptions): Promise<Processing> {
  const { env, db, metrics } = options;
  const work = await startTurnWork({
    connectionString: db.connectionString, poolSize: db.poolSize, redisUrl: env.REDIS_URL, queuePrefix: env.OUEN_QUEUE_PREFIX,
    sealer: options.sealer, program: options.program, line: lineChannels(options), logger: options.logger, metrics, clock: options.clock,
    concurrency: env.OUEN_TURN_CONCURRENCY, web: options.web, worker: options.worker, discordDm: discordDmOf(env), handoffAvailable: handoffAvailable(env),
  });
  return { ...work, metricsText: () => metrics.registry.metrics() };
}

/** LINE for everyone; with the console beside real credentials, its users go to the built-in fake. */
function lineChannels(options: ProcessingOptions): LineChannels {
  const real = new LineApi(options.lineApi);
  const beside = options.consoleBesideLine;
  if (!beside) return singleChannel(real);
  const fake = new LineApi(beside.api);
  return { forUser: (userId) => (beside.serves(userId) ? fake : real) };
}
