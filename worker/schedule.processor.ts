/**
 * One schedule's job: fire it (core/schedules/fire-schedule.ts, one transaction, at most
 * once), then hand its outbox rows to the outbox queue. If that hand-over is lost the
 * outbox sweep finds the rows, which are due, in PostgreSQL. A job that comes early
 * (Redis's clock ahead of this host's) waits the rest of the time; a job made before a
 * reschedule finds its schedule not due and ends, since the new time has its own job.
 */
import { DelayedError, type Job } from 'bullmq';
import type { Transact } from '../core/db/types.ts';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import { fireSchedule, type FireDeps } from '../core/schedules/fire-schedule.ts';
import type { OutboxQueue } from '../runtime/outbox-queue.ts';
import type { ScheduleJob } from '../runtime/schedule-queue.ts';

export interface ScheduleProcessorDeps {
  transact: Transact;
  fire: FireDeps;
  outboxQueue?: OutboxQueue;
  logger: Logger;
  clock: () => Date;
}

export function createScheduleProcessor(deps: ScheduleProcessorDeps) {
  return async (job: Job<ScheduleJob>, token?: string): Promise<void> => {
    const { scheduleId } = job.data;
    const now = deps.clock();
    const result = await deps.transact((tx) => fireSchedule(tx, deps.fire, scheduleId, now));
    switch (result.outcome) {
      case 'fired':
        deps.logger.info({ scheduleId, reminder: result.reminder, recipients: result.outboxIds.length }, 'schedule fired');
        await deps.outboxQueue?.enqueue(result.outboxIds).catch((error: unknown) =>
          deps.logger.warn({ scheduleId, err: errorFields(error) }, 'schedule: outbox enqueue failed; the outbox sweep will take the rows'));
        return;
      case 'unknown-reminder':
        deps.logger.warn({ scheduleId, reminder: result.reminder }, 'schedule cancelled: no module declares its reminder');
        return;
      case 'not-due':
        if (result.runAt.getTime() !== job.data.runAt || !token) return;
        await job.moveToDelayed(Date.now() + (result.runAt.getTime() - now.getTime()), token);
        throw new DelayedError();
      case 'not-pending':
        return;
    }
  };
}
