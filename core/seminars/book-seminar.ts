import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AuditEntry } from '../audit/audit-log.ts';
import { overlappingBooking, type Clash } from '../bookings/overlapping-booking.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { mayBookSeminars } from './may-book.ts';
import { liveBooking } from './seminar-bookings.ts';
import { lockSeminar } from './seminar-lock.ts';
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
 * (a partial unique index; a concurrent duplicate meets `ON CONFLICT` and is answered
 * `already`), never more seats held than there are (a conditional update of the
 * seminar's counter, a guard_ check behind it). The seminar row's lock orders bookings of
 * one seminar, so join order, positions and the counter agree: under 200 people at once
 * for the last seat, exactly one gets it and the others wait in the order they came.
 * A seat goes to a newcomer only when nobody waits before them.
 */
export async function bookSeminar(db: SqlClient, rules: SeminarRules, input: BookInput): Promise<BookOutcome> {
  const { seminarId, participantId, now, actor } = inputSchema.parse(input);
  const seminar = await lockSeminar(db, seminarId);
  if (!seminar) return { outcome: 'unknown', audit: [] };
  if (seminar.startsAt.getTime() <= now.getTime()) return { outcome: 'past', audit: [] };
  if (!(await mayBookSeminars(db, rules, [participantId])).has(participantId)) return { outcome: 'notRegistered', audit: [] };
  const held = await liveBooking(db, seminarId, participantId);
  if (held) return { outcome: 'already', ...held, audit: [] };
  // Sound because this runs in the person's turn, which holds their participant row's lock (overlapping-booking.ts).
  const clash = await overlappingBooking(db, participantId, { startsAt: seminar.startsAt, endsAt: seminar.endsAt, seminarId });
  if (clash) return { outcome: 'overlap', clash, audit: [] };

  const joined = await insertWaiting(db, seminarId, participantId, now);
  if (!joined) {
    const standing = await liveBooking(db, seminarId, participantId);
    if (!standing) throw new Error('a seminar booking conflicted but none is live');
    return { outcome: 'already', ...standing, audit: [] };
  }
  const at = now.toISOString();
  const seated = await db.rows<Pick<tables.SeminarBooking, 'id'>>`
    WITH "took" AS (
      UPDATE "Seminar" SET "heldCount" = "heldCount" + 1, "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
      WHERE "id" = ${seminarId} AND "heldCount" < "capacity"
        AND NOT EXISTS (SELECT 1 FROM "SeminarBooking" w
                        WHERE w."seminarId" = ${seminarId} AND w."status" = 'waitlisted' AND w."joinOrder" < ${joined.joinOrder}::bigint)
      RETURNING "id"
    )
    UPDATE "SeminarBooking" SET "status" = 'booked'
    WHERE "id" = ${joined.id}::uuid AND EXISTS (SELECT 1 FROM "took")
    RETURNING "id"::text AS "id"`;
  const entry = (action: string, detail: Record<string, unknown> = {}): AuditEntry => ({
    actor, action, entity: 'seminar-booking', entityId: joined.id, detail: { seminarId, ...detail },
  });
  if (seated.length > 0) return { outcome: 'booked', bookingId: joined.id, audit: [entry('seminar.booked')] };
  const [counted] = await db.rows<tables.Computed<{ position: number }>>`
    SELECT count(*)::int AS "position" FROM "SeminarBooking"
    WHERE "seminarId" = ${seminarId} AND "status" = 'waitlisted' AND "joinOrder" <= ${joined.joinOrder}::bigint`;
  return {
    outcome: 'waitlisted', bookingId: joined.id, position: counted!.position, waitOnly: seminar.capacity === 0,
    audit: [entry('seminar.waitlisted', { position: counted!.position })],
  };
}

/** A new booking, waiting, with the next join number; null when the person holds a live one (the partial unique index). */
async function insertWaiting(db: SqlClient, seminarId: string, participantId: string, now: Date): Promise<{ id: string; joinOrder: bigint } | null> {
  const id = randomUUID();
  const at = now.toISOString();
  const rows = await db.rows<Pick<tables.SeminarBooking, 'joinOrder'>>`
    INSERT INTO "SeminarBooking" ("id", "seminarId", "participantId", "status", "createdAt", "updatedAt")
    VALUES (${id}::uuid, ${seminarId}, ${participantId}::uuid, 'waitlisted', ${at}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC')
    ON CONFLICT ("seminarId", "participantId") WHERE "status" IN ('booked', 'waitlisted', 'offered') DO NOTHING
    RETURNING "joinOrder"`;
  return rows[0] ? { id, joinOrder: rows[0].joinOrder } : null;
}
