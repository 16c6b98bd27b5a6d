import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

/**
 * The person's row lock, then the event's consultation lock, for the rest of the
 * transaction, always in that order (the turn pipeline has taken the person's already).
 *
 * The person's lock makes their limit and their overlaps exact: two bookings of one person
 * never interleave. The event's lock (an advisory lock, no row) orders every change of
 * places — book, cancel, move, the sync — one at a time per event. One lock rather than
 * each slot's: a batch of turns holds its locks until commit, and two batches taking two
 * slots' rows in opposite orders would deadlock; a single lock cannot. The slot's counter
 * is still taken by a conditional update, with guard_booth_slot_places behind it.
 * The effect types are named `booths.*` so that, in a batch, they take this lock before
 * the event registration's (turns with late effects run sorted by effect type).
 *
 * Returns false when the person does not exist.
 */
export async function lockForBooking(tx: SqlClient, participantId: string, eventId: string): Promise<boolean> {
  const rows = await tx.rows<Pick<tables.Participant, 'id'>>`
    SELECT "id"::text AS "id" FROM "Participant" WHERE "id" = ${participantId}::uuid FOR UPDATE`;
  if (rows.length === 0) return false;
  await lockConsultations(tx, eventId);
  return true;
}

/** The event's consultation lock alone (the sync, which changes no person's bookings). */
export async function lockConsultations(tx: SqlClient, eventId: string): Promise<void> {
  await tx.run`SELECT pg_advisory_xact_lock(hashtext(${`consultations:${eventId}`}))`;
}
