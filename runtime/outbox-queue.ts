/**
 * The BullMQ queue that carries outbox deliveries. A job only names its outbox row;
 * PostgreSQL stays the source of truth, so the queue can be rebuilt at any time.
 */
import { Queue, type ConnectionOptions } from 'bullmq';

export const OUTBOX_QUEUE = 'outbox';

export interface OutboxJob {
  outboxId: string;
}

export class OutboxQueue {
  readonly queue: Queue<OutboxJob>;

  constructor(connection: ConnectionOptions, prefix: string) {
    this.queue = new Queue<OutboxJob>(OUTBOX_QUEUE, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: 8,
        backoff: { type: 'outbox' },
        removeOnComplete: { age: 3600, count: 10_000 },
        // A row that failed for good is in PostgreSQL with its reason; staff may retry it
        // (core/outbox/failed-deliveries.ts), and its job id must then be free again.
        removeOnFail: true,
      },
    });
  }

  /** The job id is the row id: enqueueing a row twice while its job exists adds nothing. */
  async enqueue(outboxIds: string[]): Promise<void> {
    if (outboxIds.length === 0) return;
    await this.queue.addBulk(outboxIds.map((outboxId) => ({ name: 'deliver', data: { outboxId }, opts: { jobId: outboxId } })));
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** Removes every job of the outbox queue under `prefix`: what a test, a benchmark or an earlier demo left in Redis. */
export async function obliterateOutboxQueue(connection: ConnectionOptions, prefix: string): Promise<void> {
  const queue = new Queue(OUTBOX_QUEUE, { connection, prefix });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}
