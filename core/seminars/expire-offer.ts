import { z } from 'zod';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { releaseSeat } from './release-seat.ts';
import { lockBooking, lockSeminar } from './seminar-lock.ts';
import { noSeatChanges, type SeatChanges, type SeminarRules } from './seminar-service-types.ts';

/**
 * An offer's hold ran out (its schedule fired): the booking expires and the seat is
 * offered to the next person waiting. Nothing when the offer was answered meanwhile, or
 * its hold is not over yet. `expired` is the person whose offer ran out (tell them).
 */
export async function expireSeminarOffer(
  db: SqlClient, rules: SeminarRules, input: { bookingId: string; now: Date },
): Promise<SeatChanges & { expired?: { participantId: string; seminarId: string } }> {
  const bookingId = z.uuid().parse(input.bookingId);
  const [found] = await db.rows<Pick<tables.SeminarBooking, 'seminarId'>>`SELECT "seminarId" FROM "SeminarBooking" WHERE "id" = ${bookingId}::uuid`;
  const none = noSeatChanges();
  if (!found) return none;
  await lockSeminar(db, found.seminarId);
  const booking = await lockBooking(db, bookingId);
  if (!booking || booking.status !== 'offered' || booking.offerExpiresAt!.getTime() > input.now.getTime()) return none;
  const released = await releaseSeat(db, rules, { bookingId, seminarId: booking.seminarId, as: 'expired', now: input.now, actor: 'system' });
  return { ...released, expired: { participantId: booking.participantId, seminarId: booking.seminarId } };
}
