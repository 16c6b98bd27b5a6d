import { z } from 'zod';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

export type LockedSeminar = Pick<tables.Seminar, 'id' | 'capacity' | 'heldCount' | 'startsAt' | 'endsAt'>;

/**
 * Takes the seminar row's lock for the rest of the transaction and reads it; null when it
 * was never synced. Everything that moves a booking between booked, waitlisted, offered
 * and ended takes this lock first, so those changes happen one at a time per seminar, in
 * the order join numbers are drawn: positions read under it are exact, and `heldCount`
 * is always the number of booked and offered rows. A change takes one seminar's lock
 * (a staff time change also shares the overlapping ones'); in a batch of turns, which
 * holds its locks until commit, turns take them in ascending seminar order
 * (`lockKey` in core/modules/seminar.server-module.ts), so batches cannot deadlock.
 *
 * `FOR NO KEY UPDATE`, as core/events/event-lock.ts explains: it does not block the
 * foreign-key checks of bookings that merely point at the seminar. Relies on READ
 * COMMITTED: each statement after the lock sees what the previous holder committed.
 */
export async function lockSeminar(tx: SqlClient, seminarId: string): Promise<LockedSeminar | null> {
  const rows = await tx.rows<LockedSeminar>`
    SELECT "id", "capacity", "heldCount", "startsAt", "endsAt" FROM "Seminar" WHERE "id" = ${seminarId} FOR NO KEY UPDATE`;
  return rows[0] ?? null;
}

/** A booking's seminar, when the booking is this person's; read before the seminar's lock is taken, checked again under it. */
export async function seminarOfBooking(tx: SqlClient, bookingId: string, participantId: string): Promise<string | null> {
  const rows = await tx.rows<Pick<tables.SeminarBooking, 'seminarId'>>`
    SELECT "seminarId" FROM "SeminarBooking" WHERE "id" = ${bookingId}::uuid AND "participantId" = ${participantId}::uuid`;
  return rows[0]?.seminarId ?? null;
}

/** The booking's row locked, under its seminar's lock. */
export async function lockBooking(tx: SqlClient, bookingId: string): Promise<Pick<tables.SeminarBooking, 'id' | 'seminarId' | 'participantId' | 'status' | 'offerExpiresAt' | 'joinOrder'> | null> {
  const rows = await tx.rows<Pick<tables.SeminarBooking, 'id' | 'seminarId' | 'participantId' | 'status' | 'offerExpiresAt' | 'joinOrder'>>`
    SELECT "id"::text AS "id", "seminarId", "participantId"::text AS "participantId", "status"::text AS "status", "offerExpiresAt", "joinOrder"
    FROM "SeminarBooking" WHERE "id" = ${bookingId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

/** A change a person makes to one of their own bookings (cancel, decline, accept). */
export interface OwnBookingInput {
  /** Who asks: only their own booking can be changed. */
  participantId: string;
  /** As the flow has it (a button's postback): checked, never trusted. */
  bookingId: string;
  now: Date;
  actor: string;
}

const ownBookingSchema = z.object({ participantId: z.uuid(), bookingId: z.string().max(200), now: z.date(), actor: z.string().min(1).max(200) });

/**
 * The person's own booking and its seminar, both locked (the seminar's first), with the
 * checked input; null for a malformed id, someone else's and one that does not exist,
 * which callers answer alike (`notFound`), so nothing leaks about others.
 */
export async function lockOwnBooking(db: SqlClient, input: OwnBookingInput) {
  const parsed = ownBookingSchema.parse(input);
  if (!z.uuid().safeParse(parsed.bookingId).success) return null;
  const seminarId = await seminarOfBooking(db, parsed.bookingId, parsed.participantId);
  if (!seminarId) return null;
  const seminar = (await lockSeminar(db, seminarId))!;
  const booking = (await lockBooking(db, parsed.bookingId))!;
  return { ...parsed, seminarId, seminar, booking };
}
