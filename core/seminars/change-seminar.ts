import { z } from 'zod';
import type { Localized } from '../../flows/engine/base-program.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { mergeChanges } from '../schedules/schedule.service.ts';
import { offerFreeSeats } from './offer-seats.ts';
import { lockSeminar } from './seminar-lock.ts';
import { planSeminarReminders } from './seminar-schedules.ts';
import type { SeatChanges, SeminarRules } from './seminar-service-types.ts';

/** What staff (or an edited program file) change at run time; absent fields stay. */
export interface SeminarChange {
  capacity?: number;
  startsAt?: Date;
  endsAt?: Date;
  room?: Localized;
}

/**
 * What a change came to:
 * - `changed`: done (`fields` says which); seats a raised capacity freed are offered to
 *   the people waiting (`offers`: tell them);
 * - `unchanged`: nothing differed;
 * - `belowHeld`: the capacity asked for is below the seats already booked or offered
 *   (`held`): nobody loses a seat they were given; cancel bookings first;
 * - `overlap`: the new time would overlap other seminars or consultations (`booth:<id>`)
 *   in `conflicts` that people booked here are booked for (`people`: how many); nothing
 *   changed;
 * - `invalid`: the start is not before the end, or the capacity is negative;
 * - `unknown`: no such seminar.
 */
export type ChangeOutcome =
  | ({ outcome: 'changed'; fields: string[] } & SeatChanges)
  | { outcome: 'unchanged' }
  | { outcome: 'belowHeld'; held: number }
  | { outcome: 'overlap'; people: number; conflicts: string[] }
  | { outcome: 'invalid' | 'unknown' };

const changeSchema = z.object({
  capacity: z.number().int().min(0).max(10_000).optional(),
  startsAt: z.date().optional(),
  endsAt: z.date().optional(),
  room: z.object({ ja: z.string().min(1).max(200), en: z.string().min(1).max(200) }).optional(),
});

/**
 * Changes a seminar's capacity, time or room inside the caller's transaction, under its
 * lock; audited. A time change first locks (`FOR SHARE`) the seminars the new time
 * overlaps: a booking of one of them in flight (which holds that seminar's lock) is
 * waited for and seen, and one that starts later waits for this change, so nobody ends
 * up booked for two overlapping seminars.
 */
export async function changeSeminar(
  tx: SqlClient, rules: SeminarRules, input: { seminarId: string; change: SeminarChange; now: Date; actor: string },
): Promise<ChangeOutcome> {
  const parsed = changeSchema.safeParse(input.change);
  if (!parsed.success) return { outcome: 'invalid' };
  const change = parsed.data;
  const seminar = await lockSeminar(tx, input.seminarId);
  if (!seminar) return { outcome: 'unknown' };
  const [room] = await tx.rows<Pick<tables.Seminar, 'roomJa' | 'roomEn'>>`SELECT "roomJa", "roomEn" FROM "Seminar" WHERE "id" = ${input.seminarId}`;
  const next = {
    capacity: change.capacity ?? seminar.capacity,
    startsAt: change.startsAt ?? seminar.startsAt,
    endsAt: change.endsAt ?? seminar.endsAt,
    room: change.room ?? { ja: room!.roomJa, en: room!.roomEn },
  };
  if (next.startsAt.getTime() >= next.endsAt.getTime()) return { outcome: 'invalid' };
  const fields = [
    next.capacity !== seminar.capacity && 'capacity',
    next.startsAt.getTime() !== seminar.startsAt.getTime() && 'startsAt',
    next.endsAt.getTime() !== seminar.endsAt.getTime() && 'endsAt',
    (next.room.ja !== room!.roomJa || next.room.en !== room!.roomEn) && 'room',
  ].filter((f): f is string => typeof f === 'string');
  if (fields.length === 0) return { outcome: 'unchanged' };
  if (next.capacity < seminar.heldCount) return { outcome: 'belowHeld', held: seminar.heldCount };
  const moved = fields.includes('startsAt') || fields.includes('endsAt');
  if (moved) {
    const clash = await timeConflicts(tx, input.seminarId, next.startsAt, next.endsAt);
    if (clash.people > 0) return { outcome: 'overlap', ...clash };
  }
  const at = input.now.toISOString();
  await tx.run`
    UPDATE "Seminar" SET "capacity" = ${next.capacity}::int,
      "startsAt" = ${next.startsAt.toISOString()}::timestamptz AT TIME ZONE 'UTC', "endsAt" = ${next.endsAt.toISOString()}::timestamptz AT TIME ZONE 'UTC',
      "roomJa" = ${next.room.ja}, "roomEn" = ${next.room.en}, "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${input.seminarId}`;
  const offered = await offerFreeSeats(tx, rules, { seminarId: input.seminarId, now: input.now, actor: input.actor, cause: 'capacity' });
  const reminders = moved ? await planSeminarReminders(tx, rules, { id: input.seminarId, startsAt: next.startsAt }, input.now) : { add: [], remove: [] };
  const detail = {
    fields,
    before: { capacity: seminar.capacity, startsAt: seminar.startsAt.toISOString(), endsAt: seminar.endsAt.toISOString(), room: { ja: room!.roomJa, en: room!.roomEn } },
    after: { capacity: next.capacity, startsAt: next.startsAt.toISOString(), endsAt: next.endsAt.toISOString(), room: next.room },
  };
  return {
    outcome: 'changed', fields, offers: offered.offers,
    audit: [{ actor: input.actor, action: 'seminar.changed', entity: 'seminar', entityId: input.seminarId, detail }, ...offered.audit],
    queue: mergeChanges(offered.queue, reminders),
  };
}

/**
 * People booked here who are also booked, at the new time, for another seminar or a
 * consultation, and what they are booked for (seminar ids; `booth:<id>` for a booth).
 * Consultations are read without the booths' lock (taking it here, after the seminars'
 * lock, would reverse the order turns take them in): a consultation booked in the same
 * instant as the change can slip past; the person's next booking check sees the clash.
 */
async function timeConflicts(tx: SqlClient, seminarId: string, startsAt: Date, endsAt: Date): Promise<{ people: number; conflicts: string[] }> {
  const [from, to] = [startsAt.toISOString(), endsAt.toISOString()];
  await tx.rows`
    SELECT "id" FROM "Seminar"
    WHERE "id" <> ${seminarId} AND "startsAt" < ${to}::timestamptz AT TIME ZONE 'UTC' AND "endsAt" > ${from}::timestamptz AT TIME ZONE 'UTC'
    ORDER BY "id" FOR SHARE`;
  const rows = await tx.rows<tables.Computed<{ participantId: string; conflict: string }>>`
    SELECT DISTINCT b."participantId"::text AS "participantId", o."seminarId" AS "conflict"
    FROM "SeminarBooking" b
    JOIN "SeminarBooking" o ON o."participantId" = b."participantId" AND o."status" = 'booked' AND o."seminarId" <> ${seminarId}
    JOIN "Seminar" s ON s."id" = o."seminarId"
    WHERE b."seminarId" = ${seminarId} AND b."status" = 'booked'
      AND s."startsAt" < ${to}::timestamptz AT TIME ZONE 'UTC' AND s."endsAt" > ${from}::timestamptz AT TIME ZONE 'UTC'
    UNION
    SELECT DISTINCT b."participantId"::text, 'booth:' || c."boothId"
    FROM "SeminarBooking" b
    JOIN "Consultation" c ON c."participantId" = b."participantId" AND c."status" = 'booked'
    WHERE b."seminarId" = ${seminarId} AND b."status" = 'booked'
      AND c."startsAt" < ${to}::timestamptz AT TIME ZONE 'UTC' AND c."endsAt" > ${from}::timestamptz AT TIME ZONE 'UTC'`;
  return { people: new Set(rows.map((r) => r.participantId)).size, conflicts: [...new Set(rows.map((r) => r.conflict))].sort() };
}
