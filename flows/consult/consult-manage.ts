/**
 * A person's own consultations: the list with cancel / move buttons, the question whether
 * to cancel, picking the new time and confirming the move. Whose a booking is, core
 * decides: an id that is not among the person's bookings gets core's answer, never a guess.
 */
import { contactText } from '../engine/contact.ts';
import { calendarDate, timeRangeText } from '../engine/dates.ts';
import { parseInput } from '../engine/input.ts';
import { t } from '../engine/text.ts';
import type { Choice, FlowInput, FlowMessage, Text } from '../engine/types.ts';
import { CONSULT_FLOW_ID, PAGE, slotChoice, STEP, VALUE, type Outcome } from './consult-ask.ts';
import { freeSlots } from './consult-availability.ts';
import type { BoothsConfig } from './consult-config.ts';
import { bookingCard, changeable, organisation } from './consult-messages.ts';
import { findSlot } from './consult-slots.ts';
import type { BoothsDeps, ConsultationFacts } from './consult-types.ts';

/** Continuations: the answer waits for what cancelling or moving came to (`moved:<consultation id>`). */
export const CANCELLED = 'cancelled';
export const MOVED = 'moved:';

/** Cards shown at most (LINE takes five messages a reply; one is the text before them). */
const CARDS = 4;

export function showMine(config: BoothsConfig, deps: BoothsDeps, lead: Text[] = []): Outcome {
  const held = deps.facts.booths?.consultations ?? [];
  if (held.length === 0) return end([say({ join: [...lead, t('booths.mine.none')] })]);
  const cards: FlowMessage[] = held.slice(0, CARDS).map((booking) => bookingCard(config, booking, deps));
  return end([say({ join: [...lead, t('booths.mine.intro', { count: held.length })] }), ...cards]);
}

export function askCancel(config: BoothsConfig, consultationId: string, deps: BoothsDeps): Outcome {
  const booking = own(deps, consultationId);
  // Not among theirs (a guessed id, an old card): core answers whether it is gone or not theirs.
  if (!booking) return { state: null, messages: [], effects: [{ type: 'booths.cancel', consultationId }], continuation: CANCELLED };
  if (!changeable(booking.startsAt, config, deps.now)) return end([say(cutoffText(config, deps))]);
  return {
    state: { flowId: CONSULT_FLOW_ID, stepId: `${STEP.cancel}${consultationId}` },
    messages: [{ type: 'text', text: t('booths.cancel.confirm', whatParams(config, booking, deps)), choices: yesNo('cancel') }],
    effects: [],
  };
}

export function handleCancel(config: BoothsConfig, consultationId: string, input: FlowInput, deps: BoothsDeps): Outcome {
  const parsed = parseInput({ kind: 'confirm', choices: yesNo('cancel') }, input, context(deps));
  if (!parsed.ok) return askCancel(config, consultationId, deps);
  if (parsed.value === 'no') return end([say(t('booths.cancel.kept'))]);
  return { state: null, messages: [], effects: [{ type: 'booths.cancel', consultationId }], continuation: CANCELLED };
}

export function askMove(config: BoothsConfig, consultationId: string, page: number, deps: BoothsDeps): Outcome {
  const booking = own(deps, consultationId);
  if (!booking || booking.status !== 'booked') return end([say(t('booths.notFound'))]);
  if (!changeable(booking.startsAt, config, deps.now)) return end([say(cutoffText(config, deps))]);
  const found = findSlot(config, booking.slotId);
  if (!found) return end([say(t('booths.notFound'))]);
  const free = freeSlots(config, found.booth, deps.facts.booths!, deps.now, booking);
  if (free.length === 0) return end([say(t('booths.move.none', { organisation: organisation(found.booth) }))]);
  const at = Math.min(page, Math.floor((free.length - 1) / PAGE));
  const choices: Choice[] = [
    ...free.slice(at * PAGE, (at + 1) * PAGE).map((slot) => slotChoice(slot, deps)),
    ...(free.length > (at + 1) * PAGE ? [{ label: t('booths.more'), value: VALUE.more }] : []),
  ];
  return {
    state: { flowId: CONSULT_FLOW_ID, stepId: `${STEP.move}${consultationId}`, answers: { page: String(at) } },
    messages: [{ type: 'text', text: t('booths.move.pick', whatParams(config, booking, deps)), choices }],
    effects: [],
  };
}

export function handleMovePick(config: BoothsConfig, consultationId: string, page: number, input: FlowInput, deps: BoothsDeps): Outcome {
  if (input.type === 'choice' && input.value === VALUE.more) return askMove(config, consultationId, page + 1, deps);
  const booking = own(deps, consultationId);
  const found = booking && findSlot(config, booking.slotId);
  if (!booking || !found) return end([say(t('booths.notFound'))]);
  const choices = freeSlots(config, found.booth, deps.facts.booths!, deps.now, booking).map((slot) => slotChoice(slot, deps));
  const parsed = parseInput({ kind: 'choice', choices }, input, context(deps));
  if (!parsed.ok) {
    const again = askMove(config, consultationId, page, deps);
    return { ...again, messages: [say(t('reprompt.choice.unknown')), ...again.messages] };
  }
  const to = findSlot(config, parsed.value.slice(VALUE.slot.length))!;
  return {
    state: { flowId: CONSULT_FLOW_ID, stepId: `${STEP.moveConfirm}${consultationId}`, answers: { slot: to.slot.id } },
    messages: [{
      type: 'text',
      text: t('booths.move.confirm', { from: timeRangeText(booking, deps.program.timeZone), to: timeRangeText(to.slot, deps.program.timeZone) }),
      choices: yesNo('move'),
    }],
    effects: [],
  };
}

export function handleMoveConfirm(config: BoothsConfig, consultationId: string, slotId: string, input: FlowInput, deps: BoothsDeps): Outcome {
  const parsed = parseInput({ kind: 'confirm', choices: yesNo('move') }, input, context(deps));
  if (!parsed.ok) return askMove(config, consultationId, 0, deps);
  if (parsed.value === 'no') return end([say(t('booths.move.kept'))]);
  return { state: null, messages: [], effects: [{ type: 'booths.move', consultationId, slotId }], continuation: `${MOVED}${consultationId}` };
}

export function yesNo(kind: 'cancel' | 'move'): Choice[] {
  return [{ label: t(`booths.${kind}.yes`), value: 'yes' }, { label: t(`booths.${kind}.no`), value: 'no' }];
}

export function cutoffText(config: BoothsConfig, deps: BoothsDeps): Text {
  return t('booths.cutoff', { minutes: config.settings.changeCutoffMinutes, contact: contactText(deps.program) });
}

function own(deps: BoothsDeps, consultationId: string): ConsultationFacts | undefined {
  return deps.facts.booths?.consultations.find((c) => c.consultationId === consultationId);
}

function whatParams(config: BoothsConfig, booking: ConsultationFacts, deps: BoothsDeps) {
  const found = findSlot(config, booking.slotId);
  const name: Text = found ? organisation(found.booth) : { literal: { ja: booking.boothId, en: booking.boothId } };
  return { organisation: name, when: timeRangeText(booking, deps.program.timeZone) };
}

function context(deps: BoothsDeps) {
  return { today: calendarDate(deps.now, deps.program.timeZone), language: deps.language };
}

export function say(text: Text): FlowMessage {
  return { type: 'text', text };
}

export function end(messages: FlowMessage[]): Outcome {
  return { state: null, messages, effects: [] };
}
