/**
 * The BullMQ queues that carry outbox deliveries. PostgreSQL stays the source of truth:
 * - `outbox`: dispatch jobs. A job scheduler (fixed id, every few seconds, re-created at
 *   worker start) and a kick after each commit that made rows due run the dispatcher
 *   (worker/outbox-dispatch.ts), which turns due rows into delivery requests and finds
 *   pending requests whose send job is gone (a crash, a Redis wipe).
 * - `outbox-send`: send jobs, one per batch of requests; the job id is the batch id, so
 *   handing a batch over twice adds nothing.
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import { retryJobOptions } from './retry-policy.ts';

export const OUTBOX_QUEUE = 'outbox';
export const OUTBOX_SEND_QUEUE = 'outbox-send';
/** The dispatch job scheduler's id: upserting it again (each worker start) replaces it. */
export const DISPATCH_SCHEDULER = 'outbox-dispatch';
/** Kicks within this window share one dispatch job (its id): a burst of commits runs the dispatcher once. */
const KICK_WINDOW_MS = 100;

export type DispatchJob = Record<string, never>;

export interface SendJob {
  batchId: string;
}

export class OutboxQueue {
  /** Dispatch jobs. */
  readonly queue: Queue<DispatchJob>;
  readonly sendQueue: Queue<SendJob>;

  constructor(connection: ConnectionOptions, prefix: string) {
    this.queue = new Queue<DispatchJob>(OUTBOX_QUEUE, {
      connection,
      prefix,
      defaultJobOptions: { attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true, removeOnFail: true },
    });
    this.sendQueue = new Queue<SendJob>(OUTBOX_SEND_QUEUE, {
      connection,
      prefix,
      defaultJobOptions: {
        // The one retry policy (retry-policy.ts): its tries span more than a day of outage.
        ...retryJobOptions,
        removeOnComplete: { age: 3600, count: 10_000 },
        // A batch that failed for good is in PostgreSQL with its reason; staff may retry
        // its rows (core/outbox/failed-deliveries.ts), in new batches.
        removeOnFail: true,
      },
    });
  }

  /**
   * Rows were made due (a failed reply, a release, a retry): the dispatcher runs now
   * rather than at its next scheduled run. The ids are not needed (the dispatcher reads
   * PostgreSQL); the parameter stays so callers read as before.
   */
  async enqueue(_outboxIds: string[] = []): Promise<void> {
    await this.kick();
  }

  async kick(): Promise<void> {
    await this.queue.add('dispatch', {}, { jobId: `kick-${Math.floor(Date.now() / KICK_WINDOW_MS)}` });
  }

  /** The dispatcher every `everyMs`: one scheduler whatever the number of worker processes. */
  async scheduleDispatch(everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(DISPATCH_SCHEDULER, { every: everyMs }, { name: 'dispatch', data: {} });
  }

  /** Send jobs for batches written to PostgreSQL; a batch whose job exists is not added again. */
  async sendBatches(batchIds: string[]): Promise<void> {
    if (batchIds.length === 0) return;
    await this.sendQueue.addBulk(batchIds.map((batchId) => ({ name: 'send', data: { batchId }, opts: { jobId: batchId } })));
  }

  async close(): Promise<void> {
    await Promise.all([this.queue.close(), this.sendQueue.close()]);
  }
}
