/**
 * Turns and outbox delivery in this thread: the worker role alone (`ouen worker`), tests
 * that move the clock, the console beside real credentials, or OUEN_PROCESSING_THREAD=0.
 */
import { syncContest } from '../../core/contests/sync-contest.ts';
import { sqlDb, transactOn } from '../../core/db/pg-transaction.ts';
import { createSqlPool } from '../../core/db/sql-pool.ts';
import { OutboxQueue } from '../../worker/outbox-queue.ts';
import { startOutboxWorker, type RunningWorker } from '../../worker/outbox-worker.ts';
import { LineApi, singleChannel, type LineChannels } from '../line/line-api.ts';
import { LineEventProcessor } from '../line/line-event-processor.ts';
import { redisConnection } from '../redis-connection.ts';
import { startReplay } from './replay-pending.ts';
import type { Processing, ProcessingOptions } from './start-processing.ts';

export async function processHere(options: ProcessingOptions): Promise<Processing> {
  const { env, db, sealer, program, logger, metrics, clock } = options;
  const sql = createSqlPool(db.connectionString, db.poolSize);
  const closers: Array<() => Promise<unknown>> = [() => sql.end()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: Error) => logger.error({ err: error.name }, 'shutdown step failed'));
  };
  try {
    await syncContest(transactOn(sql), program, clock());
    const line = lineChannels(options);
    const connection = redisConnection(env.REDIS_URL);
    const outboxQueue = new OutboxQueue(connection, env.OUEN_QUEUE_PREFIX);
    closers.push(() => outboxQueue.close());
    let processor: LineEventProcessor | undefined;
    if (options.web) {
      const here = new LineEventProcessor({ sql, sealer, program, line, outbox: outboxQueue, logger, metrics, clock, concurrency: env.OUEN_TURN_CONCURRENCY });
      processor = here;
      closers.push(() => here.drain());
      closers.push(await startReplay({ db: sqlDb(sql), sealer, dispatch: (events) => here.dispatch(events), clock, logger }));
    }
    let outboxWorker: RunningWorker | undefined;
    if (options.worker) {
      const worker = startOutboxWorker({ db: sqlDb(sql), sealer, line, logger, metrics, clock, connection, prefix: env.OUEN_QUEUE_PREFIX, queue: outboxQueue });
      outboxWorker = worker;
      closers.push(() => worker.close());
      void worker.sweep().catch(() => undefined);
    }
    return { processor, outboxWorker, outboxQueue, metricsText: () => metrics.registry.metrics(), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** LINE for everyone; with the console beside real credentials, its users go to the built-in fake. */
function lineChannels(options: ProcessingOptions): LineChannels {
  const real = new LineApi(options.lineApi);
  const beside = options.consoleBesideLine;
  if (!beside) return singleChannel(real);
  const fake = new LineApi(beside.api);
  return { forUser: (userId) => (beside.serves(userId) ? fake : real) };
}
