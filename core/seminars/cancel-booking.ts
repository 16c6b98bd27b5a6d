import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { releaseSeat } from './release-seat.ts';
import { lockOwnBooking, type OwnBookingInput } from './seminar-lock.ts';
import { noSeatChanges as nothing, type SeatChanges, type SeminarRules } from './seminar-service-types.ts';

export type CancelBookingInput = OwnBookingInput;

/**
 * What giving a booking up came to:
 * - `cancelled` (a seat, until the cutoff), `left` (the waitlist), `declined` (an offer):
 *   a freed seat is offered to the next person waiting (`offers`: tell them);
 * - `tooLate`: a seat after the cutoff (`cutoffAt`); nothing changed;
 * - `notFound`: no such booking of this person — a guessed id, someone else's id and a
 *   malformed id get the same answer, so nothing leaks about others;
 * - `already`: it has ended before (a double tap).
 */
export type CancelBookingOutcome =
  | ({ outcome: 'cancelled' | 'left' | 'declined'; seminarId: string } & SeatChanges)
  | ({ outcome: 'tooLate'; seminarId: string; cutoffAt: Date } & SeatChanges)
  | ({ outcome: 'notFound' | 'already' } & SeatChanges);

/** Gives up a person's own booking inside the caller's transaction, under the seminar's lock. */
export async function cancelSeminarBooking(db: SqlClient, rules: SeminarRules, input: CancelBookingInput): Promise<CancelBookingOutcome> {
  const own = await lockOwnBooking(db, input);
  if (!own) return { outcome: 'notFound', ...nothing() };
  const { bookingId, now, actor, seminarId, seminar, booking } = own;
  switch (booking.status) {
    case 'booked': {
      const cutoffAt = new Date(seminar.startsAt.getTime() - rules.settings.cancelCutoffHours * 3_600_000);
      if (now.getTime() >= cutoffAt.getTime()) return { outcome: 'tooLate', seminarId, cutoffAt, ...nothing() };
      return { outcome: 'cancelled', seminarId, ...await releaseSeat(db, rules, { bookingId, seminarId, as: 'cancelled', now, actor }) };
    }
    case 'offered':
      return { outcome: 'declined', seminarId, ...await releaseSeat(db, rules, { bookingId, seminarId, as: 'declined', now, actor }) };
    case 'waitlisted':
      await leave(db, bookingId, now);
      return { outcome: 'left', seminarId, ...nothing(), audit: [{ actor, action: 'seminar.left', entity: 'seminar-booking', entityId: bookingId, detail: { seminarId } }] };
    default:
      return { outcome: 'already', ...nothing() };
  }
}

async function leave(db: SqlClient, bookingId: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.run`
    UPDATE "SeminarBooking" SET "status" = 'left', "endedAt" = ${at}::timestamptz AT TIME ZONE 'UTC', "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${bookingId}::uuid AND "status" = ${'waitlisted' satisfies tables.SeminarBooking['status']}::"SeminarBookingStatus"`;
}
