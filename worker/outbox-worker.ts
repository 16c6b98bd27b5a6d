/**
 * The worker process's side: a BullMQ worker delivering outbox rows, and a sweeper that
 * re-enqueues due rows from PostgreSQL (the source of truth), so nothing is lost when
 * Redis or an enqueue fails.
 */
import { Worker, type ConnectionOptions } from 'bullmq';
import { errorFields } from '../core/error-fields.ts';
import { dueOutboxIds, settleOutbox } from '../core/outbox/outbox.repository.ts';
import { createOutboxProcessor, outboxBackoff, type OutboxProcessorDeps } from './outbox.processor.ts';
import { OUTBOX_QUEUE, type OutboxJob, type OutboxQueue } from '../runtime/outbox-queue.ts';
import { WORKER_METRICS } from '../runtime/queues.ts';

export interface OutboxWorkerOptions extends OutboxProcessorDeps {
  connection: ConnectionOptions;
  prefix: string;
  queue: OutboxQueue;
  concurrency?: number;
  sweepEveryMs?: number;
}

export interface RunningWorker {
  worker: Worker<OutboxJob>;
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export function startOutboxWorker(options: OutboxWorkerOptions): RunningWorker {
  const clock = options.clock ?? (() => new Date());
  const worker = new Worker<OutboxJob>(OUTBOX_QUEUE, createOutboxProcessor(options), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 10,
    settings: { backoffStrategy: outboxBackoff },
    metrics: WORKER_METRICS,
  });
  worker.on('failed', (job, error) => {
    options.logger.warn({ outboxId: job?.data.outboxId, attempts: job?.attemptsMade, err: errorFields(error) }, 'outbox delivery attempt failed');
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void settleOutbox(options.db, job.data.outboxId, 'failed', clock()).catch(() => undefined);
  });
  worker.on('error', (error) => options.logger.error({ err: errorFields(error) }, 'outbox worker error'));

  const sweep = async () => {
    const ids = await dueOutboxIds(options.db, clock(), 500);
    await options.queue.enqueue(ids);
    return ids.length;
  };
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => options.logger.error({ err: errorFields(error) }, 'outbox sweep failed'));
  }, options.sweepEveryMs ?? 10_000);
  timer.unref();

  return {
    worker,
    sweep,
    async close() {
      clearInterval(timer);
      await worker.close();
    },
  };
}

