/**
 * The worker process's side of the outbox: a BullMQ worker for dispatch jobs (due rows →
 * delivery requests, outbox-dispatch.ts), run by a job scheduler every few seconds and by
 * kicks after commits, and one for send jobs (a batch of requests → LINE or Discord,
 * outbox.processor.ts), paced by LINE's rate limits shared in Redis (rate-limiter.ts).
 * The scheduler is upserted at start under a fixed id, so after a Redis wipe a started
 * worker finds everything due in PostgreSQL again.
 */
import { Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { errorFields } from '../core/error-fields.ts';
import type { Transact } from '../core/db/types.ts';
import { pendingRequestsOfBatch, settleRequests } from '../core/outbox/delivery-requests.repository.ts';
import { createDispatcher, type DispatchResult } from './outbox-dispatch.ts';
import { createOutboxProcessor, type OutboxProcessorDeps } from './outbox.processor.ts';
import { retryBackoff } from '../runtime/retry-policy.ts';
import { OUTBOX_QUEUE, OUTBOX_SEND_QUEUE, type DispatchJob, type OutboxQueue, type SendJob } from '../runtime/outbox-queue.ts';
import { SharedRateLimiter, type RateLimits } from './rate-limiter.ts';
import { WORKER_METRICS } from '../runtime/queues.ts';

export interface OutboxWorkerOptions extends Omit<OutboxProcessorDeps, 'limiter'> {
  transact: Transact;
  connection: ConnectionOptions;
  prefix: string;
  queue: OutboxQueue;
  /** Requests a second per endpoint (`push`, `multicast`), shared by all worker processes. */
  rateLimits?: RateLimits;
  /** Send jobs run at once in this process. */
  concurrency?: number;
  /** How often the dispatcher runs without a kick. */
  dispatchEveryMs?: number;
}

export interface RunningWorker {
  dispatchWorker: Worker<DispatchJob>;
  sendWorker: Worker<SendJob>;
  /** Runs the dispatcher here and now (tests; the scheduler does it otherwise). */
  dispatch(): Promise<DispatchResult>;
  close(): Promise<void>;
}

/** LINE's published limits (Messaging API reference, "Rate limits"). */
export const LINE_RATE_LIMITS: RateLimits = { push: 2000, multicast: 200 };

export function startOutboxWorker(options: OutboxWorkerOptions): RunningWorker {
  const clock = options.clock ?? (() => new Date());
  const redis = new Redis({ ...(options.connection as object), maxRetriesPerRequest: null });
  const limiter = new SharedRateLimiter(redis, options.prefix, options.rateLimits ?? LINE_RATE_LIMITS);
  const dispatch = createDispatcher({ ...options, clock });
  const shared = { connection: options.connection, prefix: options.prefix };
  const dispatchWorker = new Worker<DispatchJob>(OUTBOX_QUEUE, async () => await dispatch(), { ...shared, concurrency: 1, metrics: WORKER_METRICS });
  const sendWorker = new Worker<SendJob>(OUTBOX_SEND_QUEUE, createOutboxProcessor({ ...options, limiter }), {
    ...shared,
    concurrency: options.concurrency ?? 8,
    settings: { backoffStrategy: retryBackoff },
    metrics: WORKER_METRICS,
    // A killed worker's batch is taken over within seconds; its requests repeat under their keys.
    lockDuration: 10_000,
    stalledInterval: 5_000,
  });
  sendWorker.on('failed', (job, error) => {
    options.logger.warn({ batchId: job?.data.batchId, attempts: job?.attemptsMade, err: errorFields(error) }, 'delivery batch attempt failed');
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    void pendingRequestsOfBatch(options.db, job.data.batchId)
      .then((ids) => settleRequests(options.db, ids, 'failed', clock()))
      .catch((failure: unknown) => options.logger.error({ batchId: job.data.batchId, err: errorFields(failure) }, 'failing an exhausted batch failed'));
  });
  for (const worker of [dispatchWorker, sendWorker]) {
    worker.on('error', (error) => options.logger.error({ err: errorFields(error) }, 'outbox worker error'));
  }
  dispatchWorker.on('failed', (_job, error) => options.logger.error({ err: errorFields(error) }, 'outbox dispatch failed'));
  // Everything due already (a stopped worker's rows) is dispatched now, not at the first scheduled run.
  void options.queue.scheduleDispatch(options.dispatchEveryMs ?? 2_000)
    .then(() => options.queue.kick())
    .catch((error: unknown) => options.logger.error({ err: errorFields(error) }, 'scheduling the outbox dispatcher failed'));

  return {
    dispatchWorker,
    sendWorker,
    dispatch,
    async close() {
      await Promise.all([dispatchWorker.close(), sendWorker.close()]);
      redis.disconnect();
    },
  };
}
