import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AuditEntry } from '../audit/audit-log.ts';
import { overlappingBooking, type Clash } from '../bookings/overlapping-booking.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { liveBooking } from './seminar-bookings.ts';
import type { LockedSeminar } from './seminar-lock.ts';
import type { SeminarRules } from './seminar-service-types.ts';

export interface BookInput {
  seminarId: string;
  participantId: string;
  now: Date;
  /** Who books, for the audit log: `line:<participant id>`. */
  actor: string;
}

/**
 * What came of a booking; the flow answers from it. Refusals are outcomes:
 * - `booked`: a seat;
 * - `waitlisted`: no seat free (or people wait before this person), `position` 1 = next;
 *   `waitOnly` when the seminar has no seats at all yet (capacity 0);
 * - `already`: the person holds a live booking of it (a second booking, a double tap);
 * - `overlap`: they hold a booked seminar or consultation (`clash`) whose time overlaps;
 * - `past`: it has started or ended; `notRegistered`: the program's rule does not let
 *   them book; `unknown`: no such seminar (never synced).
 */
export type BookOutcome =
  | { outcome: 'booked'; bookingId: string; audit: AuditEntry[] }
  | { outcome: 'waitlisted'; bookingId: string; position: number; waitOnly: boolean; audit: AuditEntry[] }
  | { outcome: 'already'; bookingId: string; status: 'booked' | 'waitlisted' | 'offered'; position?: number; audit: AuditEntry[] }
  | { outcome: 'overlap'; clash: Clash; audit: AuditEntry[] }
  | { outcome: 'past' | 'notRegistered' | 'unknown'; audit: AuditEntry[] };

const inputSchema = z.object({
  seminarId: z.string().min(1).max(40),
  participantId: z.uuid(),
  now: z.date(),
  actor: z.string().min(1).max(200),
});

/**
 * Books a seat, or a place in the waitlist, inside the caller's transaction.
 *
 * Invariants, held by the database: at most one live booking per person per seminar
 * (checked under the seminar's lock; a partial unique index behind it), never more seats
 * held than there are (a conditional update of the
 * seminar's counter, a guard_ check behind it). The seminar row's lock orders bookings of
 * one seminar, so join order, positions and the counter agree: under 200 people at once
 * for the last seat, exactly one gets it and the others wait in the order they came.
 * A seat goes to a newcomer only when nobody waits before them.
 */
export async function bookSeminar(db: SqlClient, rules: SeminarRules, input: BookInput): Promise<BookOutcome> {
  const { seminarId, participantId, now, actor } = inputSchema.parse(input);
  // Three round trips under the seminar's lock (it is held until the batch commits, and
  // every booking of the seminar waits for it): the lock with what decides the booking,
  // the overlap, and the seat or the waitlist place in one statement.
  const seminar = await lockSeminarFor(db, rules, seminarId, participantId);
  if (!seminar) return { outcome: 'unknown', audit: [] };
  if (seminar.startsAt.getTime() <= now.getTime()) return { outcome: 'past', audit: [] };
  if (!seminar.mayBook) return { outcome: 'notRegistered', audit: [] };
  if (seminar.holds) {
    const held = (await liveBooking(db, seminarId, participantId))!;
    return { outcome: 'already', ...held, audit: [] };
  }
  // Sound because this runs in the person's turn, which holds their participant row's lock (overlapping-booking.ts).
  const clash = await overlappingBooking(db, participantId, { startsAt: seminar.startsAt, endsAt: seminar.endsAt, seminarId });
  if (clash) return { outcome: 'overlap', clash, audit: [] };

  const joined = await takeSeatOrWait(db, seminarId, participantId, now);
  const entry = (action: string, detail: Record<string, unknown> = {}): AuditEntry => ({
    actor, action, entity: 'seminar-booking', entityId: joined.id, detail: { seminarId, ...detail },
  });
  if (joined.status === 'booked') return { outcome: 'booked', bookingId: joined.id, audit: [entry('seminar.booked')] };
  return {
    outcome: 'waitlisted', bookingId: joined.id, position: joined.position, waitOnly: seminar.capacity === 0,
    audit: [entry('seminar.waitlisted', { position: joined.position })],
  };
}

type LockedForBooking = LockedSeminar & tables.Computed<{ mayBook: boolean; holds: boolean }>;

/**
 * The seminar's lock (as lockSeminar takes it), read with whether the program's rule lets
 * this person book (may-book.ts) and whether they hold a live booking of it already; null
 * when it was never synced.
 */
async function lockSeminarFor(db: SqlClient, rules: SeminarRules, seminarId: string, participantId: string): Promise<LockedForBooking | null> {
  const anyone = rules.settings.whoMayBook === 'anyone';
  const eventId = rules.eventId ?? null;
  const [row] = await db.rows<LockedForBooking>`
    SELECT s."id", s."capacity", s."heldCount", s."startsAt", s."endsAt",
           (${anyone}::boolean OR EXISTS (
              SELECT 1 FROM "EventRegistration" r
              WHERE r."eventId" = ${eventId}::text AND r."status" = 'registered' AND r."participantId" = ${participantId}::uuid)) AS "mayBook",
           EXISTS (
              SELECT 1 FROM "SeminarBooking" b
              WHERE b."seminarId" = s."id" AND b."participantId" = ${participantId}::uuid AND b."status" IN ('booked', 'waitlisted', 'offered')) AS "holds"
    FROM "Seminar" s WHERE s."id" = ${seminarId} FOR NO KEY UPDATE OF s`;
  return row ?? null;
}

/**
 * The booking, in one statement: a seat when one is free and nobody waits (the counter's
 * conditional update), else the next place in the waitlist, with its position. Under the
 * seminar's lock, which every change of its bookings takes, the person holds no live
 * booking of it (checked above); the partial unique index is the backstop: a duplicate
 * throws, and the turn's savepoint takes the counter's update back with it.
 */
async function takeSeatOrWait(db: SqlClient, seminarId: string, participantId: string, now: Date): Promise<{ id: string; status: 'booked' | 'waitlisted'; position: number }> {
  const id = randomUUID();
  const at = now.toISOString();
  const [row] = await db.rows<Pick<tables.SeminarBooking, 'status'> & tables.Computed<{ position: number }>>`
    WITH "took" AS (
      UPDATE "Seminar" SET "heldCount" = "heldCount" + 1, "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
      WHERE "id" = ${seminarId} AND "heldCount" < "capacity"
        AND NOT EXISTS (SELECT 1 FROM "SeminarBooking" w WHERE w."seminarId" = ${seminarId} AND w."status" = 'waitlisted')
      RETURNING "id"
    ), "waiting" AS (
      SELECT count(*)::int AS "n" FROM "SeminarBooking" WHERE "seminarId" = ${seminarId} AND "status" = 'waitlisted'
    )
    INSERT INTO "SeminarBooking" ("id", "seminarId", "participantId", "status", "createdAt", "updatedAt")
    SELECT ${id}::uuid, ${seminarId}, ${participantId}::uuid,
           (CASE WHEN EXISTS (SELECT 1 FROM "took") THEN 'booked' ELSE 'waitlisted' END)::"SeminarBookingStatus",
           ${at}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC'
    RETURNING "status"::text AS "status", (SELECT "n" FROM "waiting") + 1 AS "position"`;
  return { id, status: row!.status as 'booked' | 'waitlisted', position: row!.position };
}
