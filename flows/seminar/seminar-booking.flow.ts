/**
 * Seminar booking (DOMAIN.md §3): the list with seats left → one seminar's card → book,
 * which core answers with a seat, a place in the waitlist or a refusal; "my seminars"
 * with cancel, leave-the-waitlist, and accept / decline for a seat offered. Buttons stay
 * tappable in the chat history (`resumeFor`); core decides whose a booking is and what
 * is still possible, the flow only says it.
 */
import type { Flow, FlowOutcome } from '../engine/flow.ts';
import { calendarDate } from '../engine/dates.ts';
import { parseInput } from '../engine/input.ts';
import { t } from '../engine/text.ts';
import type { Choice, FlowInput, FlowMessage, FlowState, Text } from '../engine/types.ts';
import { ACCEPTED, alreadyMessage, BOOKED, CANCELLED } from './seminar-answer.ts';
import type { SeminarsConfig } from './seminar-config.ts';
import { ACCEPT_VALUE, BOOK_VALUE, CANCEL_VALUE, configOf, PICK_VALUE, titleText } from './seminar-messages.ts';
import type { SeminarDeps, SeminarEffect, SeminarFacts } from './seminar-types.ts';
import { bookingFor, listMessage, mineMessage, pickChoices, seminarCard, upcoming } from './seminar-views.ts';

export const SEMINAR_FLOW_ID = 'seminar-booking';

/** Steps: the list, one seminar's card (`confirm:<seminar id>`), the question whether to give a booking up (`cancel:<booking id>`). */
const LIST = 'list';
const CONFIRM = 'confirm:';
const CANCEL = 'cancel:';

type Outcome = FlowOutcome<SeminarEffect>;

export const seminarBookingFlow: Flow<SeminarDeps, SeminarEffect> = {
  id: SEMINAR_FLOW_ID,
  start,
  handle,
  back,
  repeat,
  offers,
  resumeFor,
};

function start(deps: SeminarDeps, entry: string): Outcome {
  const config = deps.program.seminars;
  const facts = deps.facts.seminars;
  if (!config || !facts) return end([say(t('seminars.none'))]);
  if (entry === 'mySeminars') return showMine(config, facts, deps);
  return showList(config, facts, deps);
}

function handle(state: FlowState, input: FlowInput, deps: SeminarDeps): Outcome {
  const config = deps.program.seminars;
  const facts = deps.facts.seminars;
  if (!config || !facts) return end([say(t('seminars.none'))]);
  if (input.type === 'choice') {
    const tapped = fromButton(input.value, config, facts, deps);
    if (tapped) return tapped;
  }
  if (state.stepId.startsWith(CANCEL)) return handleCancel(state.stepId.slice(CANCEL.length), input, config, facts, deps);
  if (state.stepId.startsWith(CONFIRM)) {
    const card = showCard(state.stepId.slice(CONFIRM.length), config, facts, deps);
    return { ...card, messages: [say(t('reprompt.choice.unknown')), ...card.messages] };
  }
  const seminars = upcoming(config, facts, deps.now);
  const parsed = parseInput({ kind: 'choice', choices: pickChoices(config, seminars) }, input, context(deps));
  if (parsed.ok) return showCard(parsed.value.slice(PICK_VALUE.length), config, facts, deps);
  const list = showList(config, facts, deps);
  return { ...list, messages: [say(t('reprompt.choice.unknown')), ...list.messages] };
}

/** A tap on any of the module's buttons, in this flow or from an older message. */
function fromButton(value: string, config: SeminarsConfig, facts: SeminarFacts, deps: SeminarDeps): Outcome | null {
  if (value.startsWith(PICK_VALUE)) return showCard(value.slice(PICK_VALUE.length), config, facts, deps);
  if (value.startsWith(BOOK_VALUE)) return book(value.slice(BOOK_VALUE.length), config, facts, deps);
  if (value.startsWith(CANCEL_VALUE)) return askCancel(value.slice(CANCEL_VALUE.length), config, facts);
  if (value.startsWith(ACCEPT_VALUE)) {
    // Whose the offer is and whether it still holds, core decides.
    const bookingId = value.slice(ACCEPT_VALUE.length);
    return { state: null, messages: [], effects: [{ type: 'seminars.accept', bookingId, seminarId: seminarOf(facts, bookingId) }], continuation: ACCEPTED };
  }
  return null;
}

function showList(config: SeminarsConfig, facts: SeminarFacts, deps: SeminarDeps): Outcome {
  const seminars = upcoming(config, facts, deps.now);
  if (seminars.length === 0) return end([say(t('seminars.none'))]);
  if (!facts.mayBook) return end([say(t('seminars.notRegistered'))]);
  return { state: { flowId: SEMINAR_FLOW_ID, stepId: LIST }, messages: [listMessage(config, facts, seminars, deps)], effects: [] };
}

function showMine(config: SeminarsConfig, facts: SeminarFacts, deps: SeminarDeps): Outcome {
  if (facts.bookings.length === 0) return end([say(t('seminars.mine.none'))]);
  return end([mineMessage(config, facts, deps)]);
}

/** One seminar's card, or why it cannot be booked. */
function showCard(seminarId: string, config: SeminarsConfig, facts: SeminarFacts, deps: SeminarDeps): Outcome {
  const state = facts.seminars.find((s) => s.id === seminarId);
  if (!state || !configOf(config, seminarId)) return end([say(t('seminars.unknown'))]);
  const title = titleText(configOf(config, seminarId), seminarId);
  if (Date.parse(state.startsAt) <= deps.now.getTime()) return end([say(t('seminars.past', { title }))]);
  const mine = bookingFor(facts, seminarId);
  if (mine) return end([alreadyMessage(config, state, mine)]);
  if (!facts.mayBook) return end([say(t('seminars.notRegistered'))]);
  return { state: { flowId: SEMINAR_FLOW_ID, stepId: `${CONFIRM}${seminarId}` }, messages: [seminarCard(config, state, deps)], effects: [] };
}

/**
 * The booking itself. A tap on an old card for a seminar the person holds already shows
 * where they stand: a double tap books nobody twice (core holds that too).
 */
function book(seminarId: string, config: SeminarsConfig, facts: SeminarFacts, deps: SeminarDeps): Outcome {
  const state = facts.seminars.find((s) => s.id === seminarId);
  const mine = bookingFor(facts, seminarId);
  if (state && mine) return end([alreadyMessage(config, state, mine)]);
  return { state: null, messages: [], effects: [{ type: 'seminars.book', seminarId }], continuation: BOOKED };
}

function askCancel(bookingId: string, config: SeminarsConfig, facts: SeminarFacts): Outcome {
  const booking = facts.bookings.find((b) => b.bookingId === bookingId);
  // Not among the person's live bookings (ended, someone else's, guessed): core answers which.
  if (!booking) return cancel(bookingId, facts);
  const title = titleText(configOf(config, booking.seminarId), booking.seminarId);
  const key = booking.status === 'booked' ? 'seminars.cancel.confirm.booked' : booking.status === 'waitlisted' ? 'seminars.cancel.confirm.waitlisted' : 'seminars.cancel.confirm.offered';
  return {
    state: { flowId: SEMINAR_FLOW_ID, stepId: `${CANCEL}${bookingId}` },
    messages: [{ type: 'text', text: t(key, { title }), choices: yesNo() }],
    effects: [],
  };
}

function handleCancel(bookingId: string, input: FlowInput, config: SeminarsConfig, facts: SeminarFacts, deps: SeminarDeps): Outcome {
  const parsed = parseInput({ kind: 'confirm', choices: yesNo() }, input, context(deps));
  if (!parsed.ok) return askCancel(bookingId, config, facts);
  if (parsed.value === 'no') return end([say(t('seminars.cancel.kept'))]);
  return cancel(bookingId, facts);
}

function cancel(bookingId: string, facts: SeminarFacts): Outcome {
  return { state: null, messages: [], effects: [{ type: 'seminars.cancel', bookingId, seminarId: seminarOf(facts, bookingId) }], continuation: CANCELLED };
}

/** The seminar of one of the person's live bookings; null for any other id. */
function seminarOf(facts: SeminarFacts, bookingId: string): string | null {
  return facts.bookings.find((b) => b.bookingId === bookingId)?.seminarId ?? null;
}

/** Taken while the flow is not active: the module's buttons in older messages and pushed offers. */
function resumeFor(input: FlowInput, deps: SeminarDeps): FlowState | null {
  if (deps.handoffOpen || input.type !== 'choice') return null;
  const ours = [PICK_VALUE, BOOK_VALUE, CANCEL_VALUE, ACCEPT_VALUE].some((prefix) => input.value.startsWith(prefix));
  return ours ? { flowId: SEMINAR_FLOW_ID, stepId: LIST } : null;
}

function back(state: FlowState, deps: SeminarDeps): Outcome {
  const config = deps.program.seminars;
  const facts = deps.facts.seminars;
  if (!config || !facts) return end([say(t('seminars.none'))]);
  if (state.stepId.startsWith(CANCEL)) return showMine(config, facts, deps);
  return showList(config, facts, deps);
}

function repeat(state: FlowState, deps: SeminarDeps): Outcome {
  const config = deps.program.seminars;
  const facts = deps.facts.seminars;
  if (!config || !facts) return end([say(t('seminars.none'))]);
  if (state.stepId.startsWith(CONFIRM)) return showCard(state.stepId.slice(CONFIRM.length), config, facts, deps);
  if (state.stepId.startsWith(CANCEL)) return askCancel(state.stepId.slice(CANCEL.length), config, facts);
  return showList(config, facts, deps);
}

function offers(state: FlowState, deps: SeminarDeps): Choice[] {
  const config = deps.program.seminars;
  const facts = deps.facts.seminars;
  if (!config || !facts) return [];
  if (state.stepId.startsWith(CONFIRM)) return [{ label: t('seminars.card.book'), value: `${BOOK_VALUE}${state.stepId.slice(CONFIRM.length)}` }];
  if (state.stepId.startsWith(CANCEL)) return yesNo();
  return pickChoices(config, upcoming(config, facts, deps.now));
}

function yesNo(): Choice[] {
  return [{ label: t('seminars.cancel.yes'), value: 'yes' }, { label: t('seminars.cancel.no'), value: 'no' }];
}

function context(deps: SeminarDeps) {
  return { today: calendarDate(deps.now, deps.program.timeZone), language: deps.language };
}

function say(text: Text): FlowMessage {
  return { type: 'text', text };
}

function end(messages: FlowMessage[]): Outcome {
  return { state: null, messages, effects: [] };
}
