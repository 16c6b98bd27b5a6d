/**
 * Schedules: PostgreSQL holds each one (the source of truth), a delayed BullMQ job fires
 * it. Every change here is made in the caller's transaction and answers what the queue
 * must do after commit (runtime/schedule-queue.ts `apply`); if that step is lost (the
 * process stops, Redis is down), the queue is rebuilt from the pending rows at the next
 * start or with `ouen schedule rebuild`, so nothing depends on it.
 *
 * A non-urgent schedule never falls inside quiet hours: its time is moved to their end
 * when it is set (flows/engine/quiet-hours.ts).
 *
 * @example
 * const changes = await transact((tx) => scheduleReminder(tx, {
 *   reminder: 'event.day-before', entity: 'event', entityId: 'meetup2026', runAt, dedupeKey: 'program:event.day-before:meetup2026:day-before',
 * }, timing, now));
 * await scheduleQueue.apply(changes);
 */
import { randomUUID } from 'node:crypto';
import { outsideQuietHours, type QuietHours } from '../../flows/engine/quiet-hours.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import type { ScheduleQueueChanges } from './schedule-job.ts';

/** Quiet hours and the zone they are read in (the program's). */
export interface ScheduleTiming {
  quietHours: QuietHours;
  timeZone: string;
}

export interface NewSchedule {
  reminder: string;
  entity: string;
  entityId: string;
  participantId?: string;
  slot?: string;
  runAt: Date;
  /** Sent even inside quiet hours. */
  urgent?: boolean;
  /** One schedule per key: scheduling the same key again changes nothing. */
  dedupeKey: string;
}

/** The time a schedule fires at: `runAt`, moved out of quiet hours unless urgent. */
export function fireTime(runAt: Date, urgent: boolean, timing: ScheduleTiming): Date {
  return urgent ? runAt : outsideQuietHours(runAt, timing.quietHours, timing.timeZone);
}

/** Creates a pending schedule; nothing when its dedupe key is taken. */
export async function scheduleReminder(db: SqlClient, input: NewSchedule, timing: ScheduleTiming, now: Date): Promise<ScheduleQueueChanges> {
  const urgent = input.urgent ?? false;
  const runAt = fireTime(input.runAt, urgent, timing);
  const rows = await db.rows<Pick<tables.Schedule, 'id'>>`
    INSERT INTO "Schedule" ("id", "reminder", "entity", "entityId", "participantId", "slot", "runAt", "urgent", "status", "dedupeKey", "createdAt")
    VALUES (${randomUUID()}::uuid, ${input.reminder}, ${input.entity}, ${input.entityId}, ${input.participantId ?? null}::uuid, ${input.slot ?? null},
            ${runAt.toISOString()}::timestamptz AT TIME ZONE 'UTC', ${urgent}::boolean, 'pending', ${input.dedupeKey},
            ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
    ON CONFLICT ("dedupeKey") DO NOTHING
    RETURNING "id"::text AS "id"`;
  return { add: rows.map((r) => ({ scheduleId: r.id, runAt })), remove: [] };
}

/** Cancels a pending schedule: it never fires (its job, if it runs anyway, finds it cancelled). */
export async function cancelSchedule(db: SqlClient, scheduleId: string): Promise<ScheduleQueueChanges> {
  const rows = await db.rows<Pick<tables.Schedule, 'runAt'>>`
    UPDATE "Schedule" SET "status" = 'cancelled' WHERE "id" = ${scheduleId}::uuid AND "status" = 'pending' RETURNING "runAt"`;
  return { add: [], remove: rows.map((r) => ({ scheduleId, runAt: r.runAt })) };
}

/**
 * Moves a pending schedule to `runAt` (out of quiet hours unless urgent). The old job may
 * still fire: it finds the schedule not yet due and does nothing.
 */
export async function rescheduleSchedule(db: SqlClient, scheduleId: string, runAt: Date, timing: ScheduleTiming): Promise<ScheduleQueueChanges> {
  const [row] = await db.rows<Pick<tables.Schedule, 'runAt' | 'urgent'>>`
    SELECT "runAt", "urgent" FROM "Schedule" WHERE "id" = ${scheduleId}::uuid AND "status" = 'pending' FOR UPDATE`;
  if (!row) return { add: [], remove: [] };
  const moved = fireTime(runAt, row.urgent, timing);
  if (moved.getTime() === row.runAt.getTime()) return { add: [], remove: [] };
  await db.run`UPDATE "Schedule" SET "runAt" = ${moved.toISOString()}::timestamptz AT TIME ZONE 'UTC' WHERE "id" = ${scheduleId}::uuid`;
  return { add: [{ scheduleId, runAt: moved }], remove: [{ scheduleId, runAt: row.runAt }] };
}

/** Pending schedules after `afterId` in id order, a page at a time: what the queue is rebuilt from. */
export async function pendingSchedules(db: SqlClient, afterId: string | null, limit: number): Promise<Array<Pick<tables.Schedule, 'id' | 'runAt'>>> {
  return db.rows<Pick<tables.Schedule, 'id' | 'runAt'>>`
    SELECT "id"::text AS "id", "runAt" FROM "Schedule"
    WHERE "status" = 'pending' AND (${afterId}::uuid IS NULL OR "id" > ${afterId}::uuid)
    ORDER BY "id" LIMIT ${limit}::integer`;
}

/** Pending schedules already due: a lost job's schedule is found here by the worker's sweep. */
export async function dueSchedules(db: SqlClient, now: Date, limit: number): Promise<Array<Pick<tables.Schedule, 'id' | 'runAt'>>> {
  return db.rows<Pick<tables.Schedule, 'id' | 'runAt'>>`
    SELECT "id"::text AS "id", "runAt" FROM "Schedule"
    WHERE "status" = 'pending' AND "runAt" <= ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    ORDER BY "runAt" LIMIT ${limit}::integer`;
}

/** Merges the queue changes of several steps of one transaction. */
export function mergeChanges(...all: ScheduleQueueChanges[]): ScheduleQueueChanges {
  return { add: all.flatMap((c) => c.add), remove: all.flatMap((c) => c.remove) };
}
