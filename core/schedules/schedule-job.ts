/**
 * A schedule's BullMQ job, named by the schedule and its time: a rescheduled schedule
 * gets a new job id (BullMQ refuses a second job only while the first one exists, so a
 * reused id could be swallowed by the old, still-delayed job). BullMQ forbids `:` in ids.
 */
/** The BullMQ queue's name (runtime/schedule-queue.ts); here so the list of queues (runtime/queues.ts) loads no BullMQ. */
export const SCHEDULE_QUEUE = 'schedules';

export interface ScheduleJobRef {
  scheduleId: string;
  runAt: Date;
}

/** What the queue must do once the transaction that changed the schedules has committed. */
export interface ScheduleQueueChanges {
  add: ScheduleJobRef[];
  remove: ScheduleJobRef[];
}

export const noQueueChanges = (): ScheduleQueueChanges => ({ add: [], remove: [] });

export function scheduleJobId(ref: ScheduleJobRef): string {
  return `schedule-${ref.scheduleId}-${ref.runAt.getTime()}`;
}
