/**
 * The schedules the program file implies (deadline nudges, event reminders), made to
 * match it at start, like the contest and the event rows (core/contests/sync-contest.ts):
 * new ones are created, moved ones rescheduled (a changed deadline moves its nudges),
 * ones the file no longer implies cancelled. One that fired stays fired; one whose time
 * has passed before it was ever planned is not created (no nudge after the fact).
 */
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import type { Program } from '../program/load-program.ts';
import type { PlannedSchedule } from './reminder.ts';
import type { ReminderRegistry } from './reminder-registry.ts';
import { noQueueChanges, type ScheduleQueueChanges } from './schedule-job.ts';
import { cancelSchedule, fireTime, mergeChanges, scheduleReminder, type ScheduleTiming } from './schedule.service.ts';

const PREFIX = 'program:';

export const programScheduleKey = (p: Pick<PlannedSchedule, 'reminder' | 'entityId' | 'slot'>) => `${PREFIX}${p.reminder}:${p.entityId}:${p.slot}`;

export interface ProgramScheduleSync extends ScheduleQueueChanges {
  created: number;
  moved: number;
  cancelled: number;
}

/** Run in one transaction; apply the answer's queue changes after commit. */
export async function syncProgramSchedules(db: SqlClient, registry: ReminderRegistry, program: Program, now: Date): Promise<ProgramScheduleSync> {
  const timing: ScheduleTiming = { quietHours: program.quietHours, timeZone: program.timeZone };
  const planned = new Map(registry.planned(program).map((p) => [programScheduleKey(p), p]));
  const pending = await db.rows<Pick<tables.Schedule, 'id' | 'dedupeKey' | 'runAt' | 'urgent'>>`
    SELECT "id"::text AS "id", "dedupeKey", "runAt", "urgent" FROM "Schedule"
    WHERE "status" = 'pending' AND "dedupeKey" LIKE ${`${PREFIX}%`} FOR UPDATE`;
  let changes = noQueueChanges();
  const counts = { created: 0, moved: 0, cancelled: 0 };
  for (const row of pending) {
    const plan = planned.get(row.dedupeKey);
    planned.delete(row.dedupeKey);
    if (!plan) {
      changes = mergeChanges(changes, await cancelSchedule(db, row.id));
      counts.cancelled++;
      continue;
    }
    const urgent = plan.urgent ?? false;
    const runAt = fireTime(plan.runAt, urgent, timing);
    if (runAt.getTime() === row.runAt.getTime() && urgent === row.urgent) continue;
    await db.run`
      UPDATE "Schedule" SET "runAt" = ${runAt.toISOString()}::timestamptz AT TIME ZONE 'UTC', "urgent" = ${urgent}::boolean WHERE "id" = ${row.id}::uuid`;
    changes = mergeChanges(changes, { add: [{ scheduleId: row.id, runAt }], remove: [{ scheduleId: row.id, runAt: row.runAt }] });
    counts.moved++;
  }
  for (const [dedupeKey, plan] of planned) {
    if (fireTime(plan.runAt, plan.urgent ?? false, timing).getTime() <= now.getTime()) continue;
    const added = await scheduleReminder(db, { ...plan, dedupeKey }, timing, now);
    counts.created += added.add.length;
    changes = mergeChanges(changes, added);
  }
  return { ...changes, ...counts };
}
