/**
 * Every BullMQ queue ouen runs, by name: the one list that `/metrics`
 * (runtime/queue-metrics.ts) and the admins' queue dashboard (bot/http/queue-dashboard.ts)
 * read, so a new queue shows up in both by being named here once.
 *
 * A module that adds a queue appends its name (one line) and passes
 * {@link WORKER_METRICS} to its `Worker`, so its completed and failed totals are counted.
 */
import { SCHEDULE_QUEUE } from '../core/schedules/schedule-job.ts';
import type { ConnectionOptions } from 'bullmq';
import { OUTBOX_QUEUE, OUTBOX_SEND_QUEUE } from './outbox-queue.ts';

/** The staff feed's posts to Discord (worker/staff-feed-worker.ts). */
export const STAFF_FEED_QUEUE = 'staff-feed';
/** The replay of webhook events left behind (worker/inbox-replay-worker.ts). */
export const INBOX_REPLAY_QUEUE = 'inbox-replay';
/** Linking each person's rich menu by stage (worker/rich-menu-link-worker.ts). */
export const RICH_MENU_QUEUE = 'rich-menu-link';

export const OUEN_QUEUES: readonly string[] = [
  OUTBOX_QUEUE,
  OUTBOX_SEND_QUEUE,
  STAFF_FEED_QUEUE,
  INBOX_REPLAY_QUEUE,
  RICH_MENU_QUEUE,
  SCHEDULE_QUEUE,
];

/**
 * A `Worker` option: BullMQ then counts completed and failed jobs in Redis (one counter per
 * queue, shared by every worker process), which `/metrics` serves as totals. The per-minute
 * points it also keeps are capped to a day (1,440 minutes; BullMQ's `MetricsTime` is not
 * imported so that this list loads no BullMQ code into the web thread).
 */
export const WORKER_METRICS = { maxDataPoints: 24 * 60 };

/**
 * Removes every job, scheduler and counter of the named queues (all of ouen's by default)
 * under `prefix`: what a test, a benchmark or an earlier demo left in Redis. PostgreSQL
 * stays the source of truth, so nothing is lost: each queue is refilled from it.
 */
export async function obliterateQueues(connection: ConnectionOptions, prefix: string, names: readonly string[] = OUEN_QUEUES): Promise<void> {
  const { Queue } = await import('bullmq');
  for (const name of names) {
    const queue = new Queue(name, { connection, prefix });
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  }
}
