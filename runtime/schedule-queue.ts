/**
 * The BullMQ queue of schedules: one delayed job per pending schedule, due at its time.
 * A job only names its schedule; PostgreSQL is the source of truth, so `rebuild` restores
 * the queue after Redis lost it (a wipe, a failover without persistence, a lost
 * after-commit step). Job ids are deterministic (core/schedules/schedule-job.ts): adding
 * a job that exists adds nothing, so rebuilding twice, or beside a running worker, is safe.
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import type { SqlClient } from '../core/db/types.ts';
import { SCHEDULE_QUEUE, scheduleJobId, type ScheduleJobRef, type ScheduleQueueChanges } from '../core/schedules/schedule-job.ts';
import { pendingSchedules } from '../core/schedules/schedule.service.ts';

export { SCHEDULE_QUEUE };

export interface ScheduleJob {
  scheduleId: string;
  /** The time the job was made for, in ms: a job older than a reschedule finds the schedule not yet due. */
  runAt: number;
}

/** Rows read per page when rebuilding. */
const REBUILD_PAGE = 1000;

export class ScheduleQueue {
  readonly queue: Queue<ScheduleJob>;

  constructor(connection: ConnectionOptions, prefix: string) {
    this.queue = new Queue<ScheduleJob>(SCHEDULE_QUEUE, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 2000 },
        // Finished jobs go at once: their ids must be free for the sweep or a rebuild to re-add
        // a schedule still pending (the processor makes a re-run harmless).
        removeOnComplete: true,
        removeOnFail: true,
      },
    });
  }

  /** Adds a delayed job for each schedule, due at its time (at once when the time has passed). */
  async add(refs: ScheduleJobRef[], now: Date): Promise<void> {
    if (refs.length === 0) return;
    await this.queue.addBulk(refs.map((ref) => ({
      name: 'fire',
      data: { scheduleId: ref.scheduleId, runAt: ref.runAt.getTime() },
      opts: { jobId: scheduleJobId(ref), delay: Math.max(0, ref.runAt.getTime() - now.getTime()) },
    })));
  }

  /** After commit: what a schedule change asked of the queue. Removing is tidiness; a stale job does nothing. */
  async apply(changes: ScheduleQueueChanges, now: Date): Promise<void> {
    await Promise.all(changes.remove.map((ref) => this.queue.remove(scheduleJobId(ref)).catch(() => 0)));
    await this.add(changes.add, now);
  }

  /** Re-adds every pending schedule's job from PostgreSQL; answers how many schedules are pending. */
  async rebuild(db: SqlClient, now: Date): Promise<number> {
    let after: string | null = null;
    let count = 0;
    for (;;) {
      const page = await pendingSchedules(db, after, REBUILD_PAGE);
      if (page.length === 0) return count;
      await this.add(page.map((s) => ({ scheduleId: s.id, runAt: s.runAt })), now);
      count += page.length;
      after = page[page.length - 1]!.id;
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
