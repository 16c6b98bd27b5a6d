/**
 * A schedule fires once. In one transaction: the row is locked, checked (still pending,
 * due), its reminder's change is carried out (`act`, if it has one) and its audience read
 * as it is now, one outbox row per person is written
 * with the dedupe key `schedule:<id>:<participant>` under a send of its own (its report),
 * and the schedule is marked done. A job run twice (a stalled job, a rebuilt queue, two
 * workers) finds it done, or waits on the lock and then finds it done: nothing is written twice.
 */
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { createOutboxRows } from '../outbox/outbox.repository.ts';
import { createSend } from '../outbox/sends.repository.ts';
import type { Program } from '../program/load-program.ts';
import type { ReminderRegistry } from './reminder-registry.ts';

export type FireResult =
  | { outcome: 'fired'; reminder: string; outboxIds: string[] }
  /** Gone, done or cancelled already. */
  | { outcome: 'not-pending' }
  /** Its time moved later (a reschedule) or the job came early: it fires at `runAt`. */
  | { outcome: 'not-due'; runAt: Date }
  /** No module declares its reminder any more: cancelled, so it is not tried again. */
  | { outcome: 'unknown-reminder'; reminder: string };

export interface FireDeps {
  sealer: Sealer;
  program: Program;
  reminders: ReminderRegistry;
}

type Locked = Pick<tables.Schedule, 'id' | 'reminder' | 'entity' | 'entityId' | 'participantId' | 'runAt' | 'status' | 'slot'>;

export async function fireSchedule(db: SqlClient, deps: FireDeps, scheduleId: string, now: Date): Promise<FireResult> {
  const [row] = await db.rows<Locked>`
    SELECT "id"::text AS "id", "reminder", "entity", "entityId", "participantId"::text AS "participantId", "runAt", "status"::text AS "status", "slot"
    FROM "Schedule" WHERE "id" = ${scheduleId}::uuid FOR UPDATE`;
  if (!row || row.status !== 'pending') return { outcome: 'not-pending' };
  if (row.runAt.getTime() > now.getTime()) return { outcome: 'not-due', runAt: row.runAt };
  const reminder = deps.reminders.get(row.reminder);
  if (!reminder) {
    await db.run`UPDATE "Schedule" SET "status" = 'cancelled' WHERE "id" = ${scheduleId}::uuid`;
    return { outcome: 'unknown-reminder', reminder: row.reminder };
  }
  const firing = { schedule: row, program: deps.program, sealer: deps.sealer, now };
  const personal = (await reminder.act?.(db, firing)) ?? [];
  const audience = [...new Set(await reminder.audience(db, firing))];
  let outboxIds: string[] = [];
  if (audience.length > 0 || personal.length > 0) {
    const sendId = await createSend(db, { kind: 'reminder', label: reminder.id, createdBy: 'system' }, now);
    const content = audience.length > 0 ? await reminder.content(firing, db) : null;
    outboxIds = await createOutboxRows(db, deps.sealer, [
      ...audience.map((participantId) => ({
        participantId, content: content!, kind: `reminder:${reminder.id}`, about: { entity: row.entity, id: row.entityId },
        dedupeKey: `schedule:${row.id}:${participantId}`, sendId, notBefore: now,
      })),
      ...personal.map((message) => ({
        participantId: message.participantId, content: message.content, kind: message.kind, about: message.about,
        dedupeKey: `schedule:${row.id}:${message.kind}:${message.participantId}`, sendId, notBefore: now,
      })),
    ], now);
  }
  await db.run`
    UPDATE "Schedule" SET "status" = 'done', "firedAt" = ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC' WHERE "id" = ${scheduleId}::uuid`;
  return { outcome: 'fired', reminder: reminder.id, outboxIds };
}
