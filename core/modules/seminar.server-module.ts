/**
 * The seminar module's server side: the seminars as they stand and the person's live
 * bookings as its facts, and its effects carried out by the booking services
 * (core/seminars), whose seats, waitlist order and offers the database holds. A refusal
 * (past, overlap, not yours, too late, expired) is an outcome the flow answers from; the
 * person a freed seat is offered to is told by push, in the same transaction.
 *
 * An offer's expiry schedule is written in the turn's transaction; the turn pipeline has
 * no schedule queue at hand, so the worker's sweep adds its job once it falls due
 * (worker/schedule-worker.ts, every 30 s by default).
 */
import type { SeminarFacts, SeminarTypes } from '../../flows/seminar/seminar-types.ts';
import { nameOtherBooking } from '../bookings/name-other-booking.ts';
import type { SqlClient } from '../db/types.ts';
import { acceptSeminarOffer } from '../seminars/accept-offer.ts';
import { bookSeminar } from '../seminars/book-seminar.ts';
import { cancelSeminarBooking } from '../seminars/cancel-booking.ts';
import { mayBookSeminars } from '../seminars/may-book.ts';
import { loadLiveBookings, loadSeminarStates } from '../seminars/seminar-bookings.ts';
import { seminarRules } from '../seminars/seminar-rules.ts';
import { offerNotifications } from './seminar-notices.ts';
import { seminarReminders } from './seminar.reminders.ts';
import type { ModuleScope, ServerModule } from './server-module.ts';

export const seminarServerModule: ServerModule<'seminars', SeminarTypes> = {
  id: 'seminars',
  reminders: seminarReminders,

  async loadFacts(db, scope, participantIds) {
    const rules = seminarRules(scope.program);
    if (!rules) return () => null;
    const [seminars, bookings, mayBook] = [await loadSeminarStates(db), await loadLiveBookings(db, participantIds), await mayBookSeminars(db, rules, participantIds)];
    return (participantId) => ({ seminars, bookings: bookings.get(participantId) ?? [], mayBook: mayBook.has(participantId) });
  },

  handlers: {
    async 'seminars.book'(effect, turn) {
      const rules = seminarRules(turn.program);
      if (!rules) return { outcome: { effect: 'seminars.book', result: 'unknown', seminarId: effect.seminarId } };
      const done = await bookSeminar(turn.db, rules, { seminarId: effect.seminarId, participantId: turn.participantId, now: turn.now, actor: turn.actor });
      const base = { effect: 'seminars.book', seminarId: effect.seminarId } as const;
      // Re-read only when the answer shows where the person stands (a refusal changed nothing).
      const standing = done.outcome === 'booked' || done.outcome === 'waitlisted' || done.outcome === 'already';
      const facts = standing ? await factsAfter(turn.db, turn, turn.participantId, turn.facts) : turn.facts;
      switch (done.outcome) {
        case 'booked': return { facts, outcome: { ...base, result: 'booked', bookingId: done.bookingId }, audit: done.audit };
        case 'waitlisted': return { facts, outcome: { ...base, result: 'waitlisted', bookingId: done.bookingId, position: done.position, waitOnly: done.waitOnly }, audit: done.audit };
        case 'already': return { facts, outcome: { ...base, result: 'already', status: done.status, ...(done.position === undefined ? {} : { position: done.position }) } };
        case 'overlap': return { outcome: { ...base, result: 'overlap', other: nameOtherBooking(done.clash, turn.program) } };
        default: return { outcome: { ...base, result: done.outcome } };
      }
    },

    async 'seminars.cancel'(effect, turn) {
      const rules = seminarRules(turn.program);
      if (!rules) return { outcome: { effect: 'seminars.cancel', result: 'notFound' } };
      const done = await cancelSeminarBooking(turn.db, rules, { participantId: turn.participantId, bookingId: effect.bookingId, now: turn.now, actor: turn.actor });
      const notify = await offerNotifications(turn.db, turn.program.seminars!, turn.program.timeZone, done.offers);
      switch (done.outcome) {
        case 'tooLate':
          return { outcome: { effect: 'seminars.cancel', result: 'tooLate', seminarId: done.seminarId, cutoffAt: done.cutoffAt.toISOString() } };
        case 'notFound':
        case 'already':
          return { outcome: { effect: 'seminars.cancel', result: done.outcome } };
        default:
          return {
            facts: await factsAfter(turn.db, turn, turn.participantId, turn.facts),
            outcome: { effect: 'seminars.cancel', result: done.outcome, seminarId: done.seminarId }, audit: done.audit, notify,
          };
      }
    },

    async 'seminars.accept'(effect, turn) {
      const rules = seminarRules(turn.program);
      if (!rules) return { outcome: { effect: 'seminars.accept', result: 'notFound' } };
      const done = await acceptSeminarOffer(turn.db, rules, { participantId: turn.participantId, bookingId: effect.bookingId, now: turn.now, actor: turn.actor });
      const notify = await offerNotifications(turn.db, turn.program.seminars!, turn.program.timeZone, done.offers);
      const facts = await factsAfter(turn.db, turn, turn.participantId, turn.facts);
      switch (done.outcome) {
        case 'overlap':
          return { facts, outcome: { effect: 'seminars.accept', result: 'overlap', seminarId: done.seminarId, other: nameOtherBooking(done.clash, turn.program) } };
        case 'notFound':
        case 'notOffered':
          return { facts, outcome: { effect: 'seminars.accept', result: done.outcome } };
        default:
          return { facts, outcome: { effect: 'seminars.accept', result: done.outcome, seminarId: done.seminarId }, audit: done.audit, notify };
      }
    },
  },

  // Each takes one seminar's row lock, held until the batch commits: as late as they can,
  // and in ascending order of seminar across the batch (after the booths' and the event's
  // locks, whose keys sort first), so two batches never wait for each other in a cycle.
  lateEffects: ['seminars.book', 'seminars.cancel', 'seminars.accept'],
  lockKey: (effect) => `seminars:${effect.seminarId ?? ''}`,
};

/** The facts after an effect: the seminars and this person's bookings re-read (both changed). */
async function factsAfter(db: SqlClient, scope: ModuleScope, participantId: string, before: SeminarFacts | null): Promise<SeminarFacts | null> {
  if (!before || !seminarRules(scope.program)) return before;
  const bookings = await loadLiveBookings(db, [participantId]);
  return { seminars: await loadSeminarStates(db), bookings: bookings.get(participantId) ?? [], mayBook: before.mayBook };
}
