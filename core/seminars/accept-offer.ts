import { overlappingBooking, type Clash } from '../bookings/overlapping-booking.ts';
import type { SqlClient } from '../db/types.ts';
import { cancelOfferExpiry } from './offer-seats.ts';
import { mayBookSeminars } from './may-book.ts';
import { releaseSeat } from './release-seat.ts';
import { lockOwnBooking, type OwnBookingInput } from './seminar-lock.ts';
import { noSeatChanges as nothing, type SeatChanges, type SeminarRules } from './seminar-service-types.ts';

export type AcceptInput = OwnBookingInput;

/**
 * What accepting an offer came to:
 * - `booked`: the held seat is theirs (also for a second tap on an offer already accepted);
 * - `expired`: the hold ran out (if the worker had not moved it on yet, it is moved on now,
 *   and `offers` is the next person's);
 * - `overlap`: they hold a booked seminar or consultation (`clash`) at the same time; the
 *   offer stays, to be declined or accepted after cancelling the other;
 * - `notRegistered`: the program's rule no longer lets them book (their event
 *   registration was cancelled since the offer); the offer stays until its hold ends;
 * - `notOffered`: the booking is not an offer any more (declined, cancelled, waiting);
 * - `notFound`: not this person's booking.
 */
export type AcceptOutcome =
  | ({ outcome: 'booked' | 'expired' | 'notRegistered'; seminarId: string } & SeatChanges)
  | ({ outcome: 'overlap'; seminarId: string; clash: Clash } & SeatChanges)
  | ({ outcome: 'notOffered' | 'notFound' } & SeatChanges);

/** Accepts a seat offered to this person, inside the caller's transaction, under the seminar's lock. */
export async function acceptSeminarOffer(db: SqlClient, rules: SeminarRules, input: AcceptInput): Promise<AcceptOutcome> {
  const own = await lockOwnBooking(db, input);
  if (!own) return { outcome: 'notFound', ...nothing() };
  const { participantId, bookingId, now, actor, seminarId, seminar, booking } = own;
  if (booking.status === 'booked') return { outcome: 'booked', seminarId, ...nothing() };
  if (booking.status === 'expired') return { outcome: 'expired', seminarId, ...nothing() };
  if (booking.status !== 'offered') return { outcome: 'notOffered', ...nothing() };
  if (booking.offerExpiresAt!.getTime() <= now.getTime()) {
    return { outcome: 'expired', seminarId, ...await releaseSeat(db, rules, { bookingId, seminarId, as: 'expired', now, actor: 'system' }) };
  }
  if (!(await mayBookSeminars(db, rules, [participantId])).has(participantId)) return { outcome: 'notRegistered', seminarId, ...nothing() };
  // Sound because this runs in the person's turn, which holds their participant row's lock (overlapping-booking.ts).
  const clash = await overlappingBooking(db, participantId, { startsAt: seminar.startsAt, endsAt: seminar.endsAt, seminarId });
  if (clash) return { outcome: 'overlap', seminarId, clash, ...nothing() };
  const at = now.toISOString();
  // The seat was counted as held when it was offered: accepting changes no counter.
  await db.run`
    UPDATE "SeminarBooking" SET "status" = 'booked', "offerExpiresAt" = NULL, "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${bookingId}::uuid`;
  return {
    outcome: 'booked', seminarId, offers: [],
    audit: [{ actor, action: 'seminar.accepted', entity: 'seminar-booking', entityId: bookingId, detail: { seminarId } }],
    queue: await cancelOfferExpiry(db, bookingId),
  };
}
