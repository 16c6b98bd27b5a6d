/**
 * What booking, cancelling and moving came to, in words: a booked consultation's card, or
 * why not — and where that leaves the person (a refused booking goes back to the booth's
 * free times with the intake kept; a refused move keeps the old booking, and says so).
 */
import { otherBookingText } from '../bookings/other-booking.ts';
import type { FlowAnswer } from '../engine/module.ts';
import { timeRangeText } from '../engine/dates.ts';
import { t } from '../engine/text.ts';
import type { FlowMessage, Text } from '../engine/types.ts';
import { askSlot } from './consult-ask.ts';
import type { BoothsConfig } from './consult-config.ts';
import { cutoffText, MOVED, say } from './consult-manage.ts';
import { bookingCard } from './consult-messages.ts';
import { findSlot } from './consult-slots.ts';
import type { BoothsDeps, BoothsOutcome, ConsultationFacts, SlotRefusal } from './consult-types.ts';
import { BOOKED } from './consult.flow.ts';

export function answerBooths(continuation: string, outcomes: readonly BoothsOutcome[], deps: BoothsDeps): FlowAnswer {
  const config = deps.program.booths;
  const outcome = outcomes[0];
  if (!config || !outcome) throw new Error(`no answer for ${continuation}`);
  switch (outcome.effect) {
    case 'booths.book': return answerBooking(config, continuation.slice(BOOKED.length), outcome, deps);
    case 'booths.cancel': return answerCancel(config, outcome, deps);
    case 'booths.move': return answerMove(config, continuation.slice(MOVED.length), outcome, deps);
  }
}

function answerBooking(config: BoothsConfig, slotId: string, outcome: Extract<BoothsOutcome, { effect: 'booths.book' }>, deps: BoothsDeps): FlowAnswer {
  switch (outcome.result) {
    case 'booked':
    case 'already':
      return { state: null, messages: [say(t(outcome.result === 'booked' ? 'booths.booked' : 'booths.already')), ...card(config, outcome.consultationId, outcome.slotId, deps)] };
    case 'limit':
      return { state: null, messages: [say(t('booths.limit', { limit: outcome.limit }))] };
    case 'notEligible':
      return { state: null, messages: [say(t('booths.notEligible'))] };
    default: {
      // The same booth's times again (the refused one is no longer offered), the intake kept.
      const found = findSlot(config, slotId);
      if (!found || !deps.facts.booths) return { state: null, messages: [say(refusalText(config, outcome, deps))] };
      const free = { ...deps.facts.booths.free, [slotId]: 0 };
      const again = askSlot(config, found.booth, {}, { ...deps, facts: { ...deps.facts, booths: { ...deps.facts.booths, free } } }, [refusalText(config, outcome, deps)]);
      return { messages: again.messages, ...(again.state?.stepId === 'slot' ? {} : { state: again.state }) };
    }
  }
}

function answerCancel(config: BoothsConfig, outcome: Extract<BoothsOutcome, { effect: 'booths.cancel' }>, deps: BoothsDeps): FlowAnswer {
  const text: Text = outcome.result === 'cancelled' ? t('booths.cancel.done')
    : outcome.result === 'cutoff' ? cutoffText(config, deps)
      : outcome.result === 'closed' ? t('booths.closed') : t('booths.notFound');
  return { state: null, messages: [say(text)] };
}

function answerMove(config: BoothsConfig, fromId: string, outcome: Extract<BoothsOutcome, { effect: 'booths.move' }>, deps: BoothsDeps): FlowAnswer {
  switch (outcome.result) {
    case 'moved':
      return { state: null, messages: [say(t('booths.move.done')), ...card(config, outcome.consultationId, outcome.slotId, deps)] };
    case 'notFound': return { state: null, messages: [say(t('booths.notFound'))] };
    case 'closed': return { state: null, messages: [say(t('booths.closed'))] };
    case 'cutoff': return { state: null, messages: [say(cutoffText(config, deps))] };
    case 'same': return { state: null, messages: [say(t('booths.move.same'))] };
    default: {
      const old = deps.facts.booths?.consultations.find((c) => c.consultationId === fromId);
      const kept = old ? [t('booths.move.keptAfterRefusal', { when: timeRangeText(old, deps.program.timeZone) })] : [];
      return { state: null, messages: [say({ join: [refusalText(config, outcome, deps), ...kept] })] };
    }
  }
}

function refusalText(config: BoothsConfig, refusal: SlotRefusal, deps: BoothsDeps): Text {
  switch (refusal.result) {
    case 'full': return t('booths.full');
    case 'past': return t('booths.past');
    case 'tooSoon': return t('booths.tooSoon', { minutes: config.settings.minNoticeMinutes });
    case 'unknownSlot': return t('booths.unknownSlot');
    case 'overlap': return t('booths.overlap', { other: otherBookingText(refusal.other, deps.program.timeZone) });
  }
}

/** The booking's card, from the facts after the effect (or the slot itself when they lack it). */
function card(config: BoothsConfig, consultationId: string, slotId: string, deps: BoothsDeps): FlowMessage[] {
  const held = deps.facts.booths?.consultations.find((c) => c.consultationId === consultationId);
  const found = findSlot(config, slotId);
  const booking: ConsultationFacts | undefined = held
    ?? (found ? { consultationId, slotId, boothId: found.booth.id, startsAt: found.slot.startsAt, endsAt: found.slot.endsAt, status: 'booked' } : undefined);
  return booking ? [bookingCard(config, booking, deps)] : [];
}
