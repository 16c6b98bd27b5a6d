/**
 * A seminar's reminders as schedules (core/schedules): the day before at a set hour and a
 * set time before the start, from the seminar's time as it stands in the database (staff
 * may move it). Each schedule's key names the start it was made for, so a moved seminar
 * gets new ones (also when the old one already fired) and the old pending ones are
 * cancelled. Made at start (sync-seminars.ts) and whenever the time changes.
 */
import { addDays, calendarDate } from '../../flows/engine/dates.ts';
import { zonedInstant } from '../../flows/engine/quiet-hours.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import type { ScheduleQueueChanges } from '../schedules/schedule-job.ts';
import { fireTime, mergeChanges, scheduleReminder } from '../schedules/schedule.service.ts';
import { SEMINAR_BEFORE_START, SEMINAR_DAY_BEFORE } from './seminar-reminder-ids.ts';
import type { SeminarRules } from './seminar-service-types.ts';

interface Wanted {
  reminder: string;
  slot: string;
  runAt: Date;
  urgent: boolean;
}

export async function planSeminarReminders(tx: SqlClient, rules: SeminarRules, seminar: { id: string; startsAt: Date }, now: Date): Promise<ScheduleQueueChanges> {
  const wanted = wantedReminders(rules, seminar.startsAt);
  const key = (w: Wanted) => `seminar:${w.reminder}:${seminar.id}:${w.slot}:${seminar.startsAt.toISOString()}`;
  const keep = wanted.map(key);
  const dropped = await tx.rows<Pick<tables.Schedule, 'id' | 'runAt'>>`
    UPDATE "Schedule" SET "status" = 'cancelled'
    WHERE "entity" = 'seminar' AND "entityId" = ${seminar.id} AND "status" = 'pending'
      AND "reminder" IN (${SEMINAR_DAY_BEFORE}, ${SEMINAR_BEFORE_START}) AND NOT ("dedupeKey" = ANY(${keep}::text[]))
    RETURNING "id"::text AS "id", "runAt"`;
  let changes: ScheduleQueueChanges = { add: [], remove: dropped.map((r) => ({ scheduleId: r.id, runAt: r.runAt })) };
  for (const w of wanted) {
    // A reminder whose time has passed is not sent late.
    if (fireTime(w.runAt, w.urgent, rules.timing).getTime() <= now.getTime()) continue;
    changes = mergeChanges(changes, await scheduleReminder(tx, {
      reminder: w.reminder, entity: 'seminar', entityId: seminar.id, slot: w.slot, runAt: w.runAt, urgent: w.urgent, dedupeKey: key(w),
    }, rules.timing, now));
  }
  return changes;
}

function wantedReminders(rules: SeminarRules, startsAt: Date): Wanted[] {
  const { dayBefore, beforeStart } = rules.settings.reminders;
  const { timeZone } = rules.timing;
  const wanted: Wanted[] = [];
  if (dayBefore) {
    const day = addDays(calendarDate(startsAt, timeZone), -1);
    wanted.push({ reminder: SEMINAR_DAY_BEFORE, slot: `day-before-${dayBefore.at}`, runAt: zonedInstant(day, dayBefore.at, timeZone), urgent: false });
  }
  if (beforeStart) {
    wanted.push({
      reminder: SEMINAR_BEFORE_START, slot: `${beforeStart.minutes}m${beforeStart.urgent ? '-urgent' : ''}`,
      runAt: new Date(startsAt.getTime() - beforeStart.minutes * 60_000), urgent: beforeStart.urgent,
    });
  }
  return wanted;
}
