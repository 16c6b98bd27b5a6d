/**
 * The booth consultation module's server side: the person's consultations, whether they
 * may book and the free places as its facts, and its effects carried out by the
 * consultation services (core/consultations), whose places the database holds. A refusal
 * is an outcome the flow answers from. The consultations belong to the program's event,
 * without which the module is inert (the program file requires it with booths).
 */
import type { BoothsConfig } from '../../flows/consult/consult-config.ts';
import type { BoothsTypes } from '../../flows/consult/consult-types.ts';
import { nameOtherBooking } from '../bookings/name-other-booking.ts';
import { bookConsultation } from '../consultations/book-consultation.ts';
import { loadBoothsFacts } from '../consultations/booths-facts.ts';
import { cancelConsultation } from '../consultations/cancel-consultation.ts';
import type { BookingRules } from '../consultations/consultation-types.ts';
import { moveConsultation } from '../consultations/move-consultation.ts';
import type { SqlClient } from '../db/types.ts';
import { boothsReminders } from './booths.reminders.ts';
import type { EffectTurn, ServerModule } from './server-module.ts';

export const boothsServerModule: ServerModule<'booths', BoothsTypes> = {
  id: 'booths',
  reminders: boothsReminders,

  async loadFacts(db, scope, participantIds) {
    const config = scope.program.booths;
    const event = scope.program.event;
    if (!config || !event) return () => null;
    return loadBoothsFacts(db, event.id, config.settings.who, participantIds);
  },

  handlers: {
    async 'booths.book'(effect, turn) {
      const { config, eventId } = scopeOf(turn);
      if (!config || !eventId) return { outcome: { effect: 'booths.book', result: 'unknownSlot' } };
      const done = await bookConsultation(turn.db, turn.sealer, {
        eventId, participantId: turn.participantId, slotId: effect.slotId, intake: effect.intake, rules: rulesOf(config), now: turn.now, actor: turn.actor,
      });
      if (done.outcome === 'overlap') return { outcome: { effect: 'booths.book', result: 'overlap', other: nameOtherBooking(done.clash, turn.program) } };
      const { audit, outcome, ...rest } = done;
      const facts = outcome === 'booked' ? await factsAfter(turn.db, config, eventId, turn.participantId) : undefined;
      return { ...(facts ? { facts } : {}), outcome: { effect: 'booths.book', result: outcome, ...rest } as BoothsTypes['outcome'], audit };
    },

    async 'booths.cancel'(effect, turn) {
      const { config, eventId } = scopeOf(turn);
      if (!config || !eventId) return { outcome: { effect: 'booths.cancel', result: 'notFound' } };
      const done = await cancelConsultation(turn.db, {
        eventId, participantId: turn.participantId, consultationId: effect.consultationId, rules: rulesOf(config), now: turn.now, actor: turn.actor,
      });
      const facts = done.outcome === 'cancelled' ? await factsAfter(turn.db, config, eventId, turn.participantId) : undefined;
      return { ...(facts ? { facts } : {}), outcome: { effect: 'booths.cancel', result: done.outcome }, audit: done.audit };
    },

    async 'booths.move'(effect, turn) {
      const { config, eventId } = scopeOf(turn);
      if (!config || !eventId) return { outcome: { effect: 'booths.move', result: 'notFound' } };
      const done = await moveConsultation(turn.db, turn.sealer, {
        eventId, participantId: turn.participantId, consultationId: effect.consultationId, slotId: effect.slotId,
        rules: rulesOf(config), now: turn.now, actor: turn.actor,
      });
      if (done.outcome === 'overlap') return { outcome: { effect: 'booths.move', result: 'overlap', other: nameOtherBooking(done.clash, turn.program) } };
      const { audit, outcome, ...rest } = done;
      const facts = outcome === 'moved' ? await factsAfter(turn.db, config, eventId, turn.participantId) : undefined;
      return { ...(facts ? { facts } : {}), outcome: { effect: 'booths.move', result: outcome, ...rest } as BoothsTypes['outcome'], audit };
    },
  },

  // Each takes the event's consultation lock, held until the batch commits: as late as they can.
  lateEffects: ['booths.book', 'booths.cancel', 'booths.move'],
};

export function rulesOf(config: BoothsConfig): BookingRules {
  const { who, perPersonLimit, minNoticeMinutes, changeCutoffMinutes } = config.settings;
  return { who, perPersonLimit, minNoticeMinutes, changeCutoffMinutes };
}

function scopeOf(turn: EffectTurn<unknown>): { config?: BoothsConfig; eventId?: string } {
  return { config: turn.program.booths, eventId: turn.program.event?.id };
}

/** The person's facts after a change, so the answer shows the booking as it now stands. */
async function factsAfter(db: SqlClient, config: BoothsConfig, eventId: string, participantId: string) {
  return (await loadBoothsFacts(db, eventId, config.settings.who, [participantId]))(participantId);
}
