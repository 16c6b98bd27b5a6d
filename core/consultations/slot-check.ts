import { overlappingBooking, type Clash } from '../bookings/overlapping-booking.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import type { BookingRules } from './consultation-types.ts';

export type CheckedSlot = Pick<tables.BoothSlot, 'id' | 'boothId' | 'startsAt' | 'endsAt'>;

/** Why a slot cannot be taken by this person now (the flow's words: flows/consult/consult-types.ts). */
export type SlotProblem =
  | { result: 'unknownSlot' | 'notEligible' | 'past' | 'tooSoon' }
  | { result: 'already'; consultationId: string }
  | { result: 'limit'; limit: number }
  | { result: 'overlap'; clash: Clash };

type Row = Pick<tables.BoothSlot, 'id' | 'boothId' | 'startsAt' | 'endsAt' | 'retiredAt'>
  & tables.Computed<{ registered: boolean; alreadyId: string | null; held: number }>;

/**
 * Everything that decides whether a person may take a slot, read under the locks
 * (consultation-lock.ts): in one statement the slot, whether they are registered, whether
 * they hold it already and how many they hold; then, only if nothing else refuses it, a
 * booking of theirs of either kind it would overlap (core/bookings/overlapping-booking.ts:
 * another consultation or a booked seminar; `moving`, the consultation being moved, does
 * not count). Places are not checked here: the conditional update that takes one is the
 * check.
 */
export async function checkSlot(
  db: SqlClient, input: { eventId: string; slotId: string; participantId: string; rules: BookingRules; now: Date; moving?: string },
): Promise<{ slot: CheckedSlot; problem: SlotProblem | null } | null> {
  const { eventId, slotId, participantId, rules, now } = input;
  const moving = input.moving ?? null;
  const [row] = await db.rows<Row>`
    SELECT s."id", s."boothId", s."startsAt", s."endsAt", s."retiredAt",
      EXISTS (SELECT 1 FROM "EventRegistration" r
              WHERE r."eventId" = ${eventId} AND r."participantId" = ${participantId}::uuid AND r."status" = 'registered') AS "registered",
      (SELECT c."id"::text FROM "Consultation" c
       WHERE c."slotId" = s."id" AND c."participantId" = ${participantId}::uuid AND c."status" = 'booked'
         AND (${moving}::uuid IS NULL OR c."id" <> ${moving}::uuid)) AS "alreadyId",
      (SELECT count(*)::int FROM "Consultation" c
       WHERE c."eventId" = ${eventId} AND c."participantId" = ${participantId}::uuid AND c."status" IN ('booked', 'noShow')) AS "held"
    FROM "BoothSlot" s WHERE s."id" = ${slotId} AND s."eventId" = ${eventId}`;
  if (!row) return null;
  const slot: CheckedSlot = { id: row.id, boothId: row.boothId, startsAt: row.startsAt, endsAt: row.endsAt };
  const problem = problemOf(row, rules, now, moving !== null);
  if (problem) return { slot, problem };
  const clash = await overlappingBooking(db, participantId, { startsAt: row.startsAt, endsAt: row.endsAt, ...(moving ? { consultationId: moving } : {}) });
  return { slot, problem: clash ? { result: 'overlap', clash } : null };
}

function problemOf(row: Row, rules: BookingRules, now: Date, moving: boolean): SlotProblem | null {
  if (row.retiredAt !== null) return { result: 'unknownSlot' };
  // A move keeps a booking the person already holds; who may book was decided when they booked.
  if (!moving && rules.who === 'registered' && !row.registered) return { result: 'notEligible' };
  if (row.alreadyId !== null) {
    if (!moving) return { result: 'already', consultationId: row.alreadyId };
    // Moving onto a slot they already hold with another booking: that booking is in the way.
    return { result: 'overlap', clash: { kind: 'consultation', consultationId: row.alreadyId, slotId: row.id, boothId: row.boothId, startsAt: row.startsAt, endsAt: row.endsAt } };
  }
  const untilStart = row.startsAt.getTime() - now.getTime();
  if (untilStart <= 0) return { result: 'past' };
  if (untilStart < rules.minNoticeMinutes * 60_000) return { result: 'tooSoon' };
  if (!moving && row.held >= rules.perPersonLimit) return { result: 'limit', limit: rules.perPersonLimit };
  return null;
}

/** Takes a place in the slot if one is free: the conditional update is the capacity check. */
export async function takePlace(db: SqlClient, slotId: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const rows = await db.rows<Pick<tables.BoothSlot, 'id'>>`
    UPDATE "BoothSlot" SET "bookedCount" = "bookedCount" + 1, "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${slotId} AND "bookedCount" < "capacity" AND "retiredAt" IS NULL
    RETURNING "id"`;
  return rows.length > 0;
}

/** Gives a place back (a cancellation, the old slot of a move). */
export async function givePlaceBack(db: SqlClient, slotId: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.run`
    UPDATE "BoothSlot" SET "bookedCount" = "bookedCount" - 1, "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC' WHERE "id" = ${slotId}`;
}
