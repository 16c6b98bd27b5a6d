/**
 * The staff feed on the worker: a BullMQ queue whose jobs post notices to Discord through
 * its REST API (no gateway here). PostgreSQL holds the notices; the queue only names
 * them (job id `notice-<id>`, so a notice is queued once while its job exists). A job
 * scheduler sweeps every few seconds, and a NOTIFY from the transaction that recorded
 * notices wakes the sweep at once: the sweep enqueues each application's or handoff's
 * oldest pending notice, and a settled notice enqueues its entity's next, so one
 * entity's notices go out in order. A wiped Redis loses nothing: the sweep finds every
 * pending notice again.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { errorFields } from '../core/error-fields.ts';
import { nextPendingNotice, pendingNoticeHeads } from '../core/staff-feed/staff-notice.repository.ts';
import type { FeedPostDeps } from '../channels/discord/staff/feed-rest.ts';
import { RETRY_BACKOFF, retryBackoff, retryJobOptions } from '../runtime/retry-policy.ts';
import { listenForNotices } from './staff-feed-listener.ts';
import { createStaffFeedProcessor, type StaffFeedJob, type StaffFeedProcessorDeps } from './staff-feed.processor.ts';

import { STAFF_FEED_QUEUE, WORKER_METRICS } from '../runtime/queues.ts';

const SWEEP_SCHEDULER = 'staff-feed-sweep';
/** The sweep only covers a missed NOTIFY: often enough that nothing waits long, cheap (one indexed query). */
const SWEEP_EVERY_MS = 10_000;
const SWEEP_LIMIT = 500;

export interface StaffFeedWorkerOptions extends Omit<FeedPostDeps, 'rest'>, Pick<StaffFeedProcessorDeps, 'logger'> {
  rest: FeedPostDeps['rest'];
  connection: ConnectionOptions;
  prefix: string;
  /** For LISTEN: a connection of its own. */
  databaseUrl: string;
  sweepEveryMs?: number;
}

export interface RunningStaffFeed {
  queue: Queue<StaffFeedJob>;
  worker: Worker<StaffFeedJob>;
  /** Enqueues every notice that may be posted now; resolves with how many. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export async function startStaffFeedWorker(options: StaffFeedWorkerOptions): Promise<RunningStaffFeed> {
  const { db, logger } = options;
  const queue = new Queue<StaffFeedJob>(STAFF_FEED_QUEUE, {
    connection: options.connection,
    prefix: options.prefix,
    defaultJobOptions: {
      ...retryJobOptions,
      // Gone once done: a notice id may come again (a database reset under the same prefix),
      // and a sweep that queues a settled notice again only makes a job that does nothing.
      removeOnComplete: true,
      // A job that failed outside the policy (the database away on its last try) leaves its
      // notice pending: its id must be free for the sweep to queue it again.
      removeOnFail: true,
    },
  });
  const enqueue = async (ids: string[]) => {
    if (ids.length === 0) return;
    await queue.addBulk(ids.map((noticeId) => ({ name: 'post', data: { noticeId }, opts: { jobId: `notice-${noticeId}` } })));
  };
  const sweep = async () => {
    const ids = await pendingNoticeHeads(db, SWEEP_LIMIT);
    await enqueue(ids);
    return ids.length;
  };
  const enqueueNext = async (entityId: string) => {
    const next = await nextPendingNotice(db, entityId);
    if (next) await enqueue([next]);
  };
  // One at a time, oldest first: the channels read in the order things happened.
  const rateLimited = async (waitMs: number) => {
    await worker.rateLimit(waitMs);
    return Worker.RateLimitError();
  };
  const worker: Worker<StaffFeedJob> = new Worker<StaffFeedJob>(STAFF_FEED_QUEUE, createStaffFeedProcessor({ ...options, sweep, enqueueNext, rateLimited }), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: 1,
    metrics: WORKER_METRICS,
    settings: { backoffStrategy: (attemptsMade, type, error, job) => (type === RETRY_BACKOFF ? retryBackoff(attemptsMade, type, error, job) : -1) },
  });
  worker.on('error', (error) => logger.error({ err: errorFields(error) }, 'staff feed worker error'));
  await queue.upsertJobScheduler(SWEEP_SCHEDULER, { every: options.sweepEveryMs ?? SWEEP_EVERY_MS }, {
    name: 'sweep', data: { sweep: true }, opts: { attempts: 1, removeOnComplete: true, removeOnFail: true },
  });
  // A burst of NOTIFYs (one per committing turn) runs one sweep at a time, and one more after it.
  let sweeping: Promise<void> | null = null;
  let again = false;
  const wake = () => {
    if (sweeping) {
      again = true;
      return;
    }
    sweeping = sweep().then(() => undefined, (error: unknown) => logger.error({ err: errorFields(error) }, 'staff feed sweep failed')).finally(() => {
      sweeping = null;
      if (again) {
        again = false;
        wake();
      }
    });
  };
  const stopListening = listenForNotices(options.databaseUrl, wake, logger);
  // What is pending already (a stopped worker's notices) goes on the queue now.
  wake();
  return {
    queue, worker, sweep,
    async close() {
      await stopListening();
      await sweeping;
      await worker.close();
      await queue.close();
      options.rest.clearHashSweeper();
      options.rest.clearHandlerSweeper();
    },
  };
}
