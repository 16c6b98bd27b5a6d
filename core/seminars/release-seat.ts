import type { SqlClient } from '../db/types.ts';
import { mergeChanges } from '../schedules/schedule.service.ts';
import { cancelOfferExpiry, offerFreeSeats } from './offer-seats.ts';
import type { SeatChanges, SeminarRules } from './seminar-service-types.ts';

export type ReleasedAs = 'cancelled' | 'declined' | 'expired';

/**
 * A held seat given back: a booking cancelled, an offer declined or run out. The booking
 * ends, the seat stops being counted, an offer's expiry schedule is cancelled, and the
 * seat is offered to the next person waiting — all in the caller's transaction, under the
 * seminar's lock, with the booking's row locked and known to be held.
 */
export async function releaseSeat(
  tx: SqlClient, rules: SeminarRules, input: { bookingId: string; seminarId: string; as: ReleasedAs; now: Date; actor: string },
): Promise<SeatChanges> {
  const at = input.now.toISOString();
  await tx.run`
    UPDATE "SeminarBooking" SET "status" = ${input.as}::"SeminarBookingStatus", "offerExpiresAt" = NULL,
      "endedAt" = ${at}::timestamptz AT TIME ZONE 'UTC', "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${input.bookingId}::uuid`;
  await tx.run`
    UPDATE "Seminar" SET "heldCount" = "heldCount" - 1, "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC' WHERE "id" = ${input.seminarId}`;
  const unscheduled = input.as === 'cancelled' ? { add: [], remove: [] } : await cancelOfferExpiry(tx, input.bookingId);
  const next = await offerFreeSeats(tx, rules, { seminarId: input.seminarId, now: input.now, actor: input.actor, cause: input.bookingId });
  return {
    offers: next.offers,
    audit: [{ actor: input.actor, action: `seminar.${input.as}`, entity: 'seminar-booking', entityId: input.bookingId, detail: { seminarId: input.seminarId } }, ...next.audit],
    queue: mergeChanges(unscheduled, next.queue),
  };
}
