/**
 * Registration for the program's event (DOMAIN.md §3): the event's own consent, the
 * attendee type and the configured questions, a confirmation card with "change" per
 * answer, then the registration, whose outcome (a place, the waitlist, closed, already)
 * the answer says. The answers wait in the flow state until then; nothing is stored
 * before the person taps "register". The ticket is shown again on request, and cancels.
 */
import { isMessageKey } from '../catalog/catalog.ts';
import { contactText } from '../engine/contact.ts';
import { calendarDate, formatInstant } from '../engine/dates.ts';
import type { Flow, FlowOutcome } from '../engine/flow.ts';
import type { FlowAnswer } from '../engine/module.ts';
import { parseInput } from '../engine/input.ts';
import { firstUnanswered, pathOf, promptFor, repromptFor } from '../engine/step.ts';
import { t } from '../engine/text.ts';
import type { Answers, Choice, FlowInput, FlowMessage, FlowState, SummaryRow, Text } from '../engine/types.ts';
import type { EventConfig } from './event-config.ts';
import { attendeeLabel, CANCEL_VALUE, eventWhen, ticketCard, waitlistMessage } from './event-messages.ts';
import { eventSteps, SKIP, type EventStep } from './event-steps.ts';
import type { EventDeps, EventEffect, EventOutcome } from './event-types.ts';

export const EVENT_FLOW_ID = 'event-registration';

/** Pseudo-steps: the confirmation card, and the question whether to cancel (`cancel:<registration id>`). */
const CONFIRM = 'confirm';
const CANCEL = 'cancel:';

/** Continuations: the answer waits for what registering or cancelling came to. */
const REGISTERED = 'registered';
const CANCELLED = 'cancelled';

/** Button values; prefixed so they never collide with another flow's. */
const REGISTER_VALUE = 'event-register';
const CHANGE = 'event-change:';

type Outcome = FlowOutcome<EventEffect>;

export const eventRegistrationFlow: Flow<EventDeps, EventEffect> = {
  id: EVENT_FLOW_ID,
  start,
  handle,
  back,
  repeat,
  offers,
  resumeFor,
};

function start(deps: EventDeps, entry: string): Outcome {
  const event = deps.program.event;
  if (!event) return end([say(t('event.none'))]);
  const registration = deps.facts.event;
  if (entry === 'myRegistration') return showRegistration(event, deps);
  if (registration?.status === 'registered' || registration?.status === 'waitlisted') return showRegistration(event, deps, true);
  const closed = windowClosed(event, deps);
  if (closed) return end([say(closed)]);
  const consent = eventSteps(event)[0]!;
  return ask(consent, {}, [t('event.intro', introParams(event, deps))]);
}

function handle(state: FlowState, input: FlowInput, deps: EventDeps): Outcome {
  const event = deps.program.event;
  if (!event) return end([say(t('event.none'))]);
  if (state.stepId.startsWith(CANCEL)) return handleCancel(state.stepId.slice(CANCEL.length), input, event, deps);
  if (input.type === 'choice' && input.value.startsWith(CANCEL_VALUE)) return askCancel(input.value.slice(CANCEL_VALUE.length), event);
  const answers = state.answers ?? {};
  if (state.stepId === CONFIRM) return handleCard(answers, input, event, deps);
  const step = eventSteps(event).find((s) => s.id === state.stepId);
  if (!step) return start(deps, 'register');
  if (input.type === 'choice' && input.value === SKIP && step.optional) return answered(step, '', answers, state, event, deps);
  const parsed = parseInput(step.input, input, { today: calendarDate(deps.now, deps.program.timeZone), language: deps.language });
  if (!parsed.ok) return { state, messages: [reprompt(step, parsed.reason, parsed.params)], effects: [] };
  if (step.id === 'consent') return consentGiven(parsed.value === 'yes', event);
  return answered(step, parsed.value, answers, state, event, deps);
}

function consentGiven(granted: boolean, event: EventConfig): Outcome {
  const consent = { type: 'recordConsent' as const, purpose: EVENT_FLOW_ID, noticeVersion: event.privacy.noticeVersion, granted };
  if (!granted) return { state: null, messages: [say(t('event.consent.declined'))], effects: [consent] };
  return { ...ask(firstUnanswered(eventSteps(event), {})!, {}), effects: [consent] };
}

function answered(step: EventStep, value: string, answers: Answers, state: FlowState, event: EventConfig, deps: EventDeps): Outcome {
  const merged = { ...answers, [step.id]: value };
  const next = state.returnTo === CONFIRM ? undefined : firstUnanswered(eventSteps(event), merged);
  return next ? ask(next, merged, [], state.returnTo) : showCard(merged, event, deps);
}

function handleCard(answers: Answers, input: FlowInput, event: EventConfig, deps: EventDeps): Outcome {
  if (input.type === 'choice' && input.value === REGISTER_VALUE) return register(answers, event, deps);
  if (input.type === 'choice' && input.value.startsWith(CHANGE)) {
    const step = pathOf(eventSteps(event), answers).find((s) => s.id === input.value.slice(CHANGE.length));
    return step ? ask(step, answers, [], CONFIRM) : showCard(answers, event, deps);
  }
  const card = showCard(answers, event, deps);
  return { ...card, messages: [say(t('reprompt.choice.unknown')), ...card.messages] };
}

/**
 * The registration itself. A tap on an old card (the flow state is gone, so are the
 * answers) shows where the person stands instead: a double tap registers nobody twice.
 */
function register(answers: Answers, event: EventConfig, deps: EventDeps): Outcome {
  const missing = firstUnanswered(eventSteps(event), answers);
  if (missing) {
    const standing = deps.facts.event;
    if (standing && standing.status !== 'cancelled') return showRegistration(event, deps, true);
    return start(deps, 'register');
  }
  const closed = windowClosed(event, deps);
  if (closed) return end([say(closed)]);
  const { attendeeType, ...rest } = answers;
  return {
    state: null, messages: [],
    effects: [{ type: 'registerForEvent', attendeeType: attendeeType!, answers: rest }],
    continuation: REGISTERED,
  };
}

function askCancel(registrationId: string, event: EventConfig): Outcome {
  const choices: Choice[] = [{ label: t('event.cancel.yes'), value: 'yes' }, { label: t('event.cancel.no'), value: 'no' }];
  return {
    state: { flowId: EVENT_FLOW_ID, stepId: `${CANCEL}${registrationId}` },
    messages: [{ type: 'text', text: t('event.cancel.confirm', { name: { literal: event.name } }), choices }],
    effects: [],
  };
}

function handleCancel(registrationId: string, input: FlowInput, event: EventConfig, deps: EventDeps): Outcome {
  const choices: Choice[] = [{ label: t('event.cancel.yes'), value: 'yes' }, { label: t('event.cancel.no'), value: 'no' }];
  const parsed = parseInput({ kind: 'confirm', choices }, input, { today: calendarDate(deps.now, deps.program.timeZone), language: deps.language });
  if (!parsed.ok) return askCancel(registrationId, event);
  if (parsed.value === 'no') return end([say(t('event.cancel.kept'))]);
  // Whose it is, core decides: a guessed or someone else's id comes back `notFound`.
  return { state: null, messages: [], effects: [{ type: 'cancelEventRegistration', registrationId }], continuation: CANCELLED };
}

/** What registering or cancelling came to, in words and (with a place) the ticket. */
export function answerEvent(continuation: string, outcomes: readonly EventOutcome[], deps: EventDeps): FlowAnswer {
  const event = deps.program.event;
  const outcome = outcomes[0];
  if (!event || !outcome) throw new Error(`no answer for ${continuation}`);
  const registrationId = deps.facts.event?.registrationId ?? '';
  if (outcome.effect === 'cancelEventRegistration') {
    const key = outcome.result === 'cancelled' ? 'event.cancel.done' : outcome.result === 'notFound' ? 'event.cancel.notFound' : 'event.cancel.already';
    return { messages: [say(t(key))] };
  }
  switch (outcome.result) {
    case 'registered':
      return { messages: [say(t('event.registered')), ticketCard(event, outcome.ticket, registrationId, deps.program.timeZone, attendeeLabel(event, deps.facts.event?.attendeeType))] };
    case 'waitlisted':
      return { messages: [waitlistMessage('event.waitlisted', outcome.position, registrationId)] };
    case 'closed':
      return { messages: [say(windowClosed(event, deps) ?? t('event.closed.over', { contact: contactText(deps.program) }))] };
    case 'already':
      if (outcome.status === 'registered' && outcome.ticket) {
        return { messages: [say(t('event.already.registered')), ticketCard(event, outcome.ticket, registrationId, deps.program.timeZone)] };
      }
      return { messages: [waitlistMessage('event.already.waitlisted', outcome.position ?? 0, registrationId)] };
  }
}

/** "My registration": the ticket, the place in the waitlist, or how to register; `again` when they asked to register. */
function showRegistration(event: EventConfig, deps: EventDeps, again = false): Outcome {
  const registration = deps.facts.event;
  if (!registration) return end([say(t('event.mine.none'))]);
  if (registration.status === 'cancelled') return end([say(t('event.mine.cancelled'))]);
  if (registration.status === 'waitlisted') return end([waitlistMessage('event.already.waitlisted', registration.position ?? 0, registration.registrationId)]);
  const card = ticketCard(event, registration.ticket!, registration.registrationId, deps.program.timeZone, attendeeLabel(event, deps.facts.event?.attendeeType));
  return end(again ? [say(t('event.already.registered')), card] : [card]);
}


function showCard(answers: Answers, event: EventConfig, deps: EventDeps): Outcome {
  const rows: SummaryRow[] = pathOf(eventSteps(event), answers).filter((s) => s.label).map((step) => {
    const value = answers[step.id];
    return {
      label: step.label!,
      value: value === undefined ? t('value.empty') : (step.display?.(value) ?? { literal: { ja: value, en: value } }),
      change: `${CHANGE}${step.id}`,
    };
  });
  const card: FlowMessage = {
    type: 'summary', title: t('event.card.title'), rows,
    actions: [{ label: t('event.card.register'), value: REGISTER_VALUE }],
    footer: { join: [t('event.intro', introParams(event, deps)), t('event.card.footer')] },
  };
  return { state: { flowId: EVENT_FLOW_ID, stepId: CONFIRM, answers }, messages: [card], effects: [] };
}

/** Before it opens, or once it has closed: what to say instead of asking. */
function windowClosed(event: EventConfig, deps: EventDeps): Text | null {
  const now = deps.now.getTime();
  if (now < Date.parse(event.registration.opensAt)) {
    const opensAt = { literal: { ja: formatInstant(event.registration.opensAt, 'ja', deps.program.timeZone), en: formatInstant(event.registration.opensAt, 'en', deps.program.timeZone) } };
    return t('event.closed.notYet', { opensAt });
  }
  if (now >= Date.parse(event.registration.closesAt)) return t('event.closed.over', { contact: contactText(deps.program) });
  return null;
}

function introParams(event: EventConfig, deps: EventDeps) {
  return { name: { literal: event.name }, when: eventWhen(event, deps.program.timeZone), venue: { literal: event.venue } };
}

/**
 * Taken while the flow is not active: a tap on a ticket's or the waitlist's cancel
 * button, and on a confirmation card's buttons, which stay in the chat history.
 */
function resumeFor(input: FlowInput, deps: EventDeps): FlowState | null {
  if (deps.handoffOpen || input.type !== 'choice') return null;
  if (input.value.startsWith(CANCEL_VALUE)) return { flowId: EVENT_FLOW_ID, stepId: CONFIRM };
  if (input.value === REGISTER_VALUE || input.value.startsWith(CHANGE)) return { flowId: EVENT_FLOW_ID, stepId: CONFIRM };
  return null;
}

function back(state: FlowState, deps: EventDeps): Outcome {
  const event = deps.program.event;
  if (!event) return end([say(t('event.none'))]);
  const answers = state.answers ?? {};
  if (state.returnTo === CONFIRM) return showCard(answers, event, deps);
  const path = pathOf(eventSteps(event), answers).filter((s) => s.id !== 'consent');
  const index = path.findIndex((s) => s.id === state.stepId);
  const previous = state.stepId === CONFIRM ? path[path.length - 1] : index > 0 ? path[index - 1] : undefined;
  return previous ? ask(previous, answers) : repeat(state, deps);
}

function repeat(state: FlowState, deps: EventDeps): Outcome {
  const event = deps.program.event;
  if (!event) return end([say(t('event.none'))]);
  const answers = state.answers ?? {};
  if (state.stepId === CONFIRM) return showCard(answers, event, deps);
  if (state.stepId.startsWith(CANCEL)) return askCancel(state.stepId.slice(CANCEL.length), event);
  const step = eventSteps(event).find((s) => s.id === state.stepId);
  return step ? ask(step, answers, [], state.returnTo) : start(deps, 'register');
}

function offers(state: FlowState, deps: EventDeps): Choice[] {
  const event = deps.program.event;
  if (!event) return [];
  if (state.stepId === CONFIRM) return [{ label: t('event.card.register'), value: REGISTER_VALUE }];
  if (state.stepId.startsWith(CANCEL)) return [{ label: t('event.cancel.yes'), value: 'yes' }, { label: t('event.cancel.no'), value: 'no' }];
  const step = eventSteps(event).find((s) => s.id === state.stepId);
  if (!step) return [];
  const choices = step.input.kind === 'choice' || step.input.kind === 'confirm' ? step.input.choices : [];
  return step.optional ? [...choices, skipChoice()] : choices;
}

function ask(step: EventStep, answers: Answers, lead: Text[] = [], returnTo?: string): Outcome {
  const state: FlowState = { flowId: EVENT_FLOW_ID, stepId: step.id, answers };
  if (returnTo) state.returnTo = returnTo;
  return { state, messages: [withSkip(promptFor(step, lead), step)], effects: [] };
}

/** Optional questions offer "None" as a button. */
function withSkip(message: FlowMessage, step: EventStep): FlowMessage {
  if (message.type !== 'text' || !step.optional) return message;
  return { ...message, choices: [...(message.choices ?? []), skipChoice()] };
}

function skipChoice(): Choice {
  return { label: t('event.skip'), value: SKIP };
}

function reprompt(step: EventStep, reason: string, params?: Record<string, string | number>): FlowMessage {
  const key = `reprompt.${reason}`;
  return withSkip(repromptFor(step, { key: isMessageKey(key) ? key : 'reprompt.invalid', params }), step);
}

function say(text: Text): FlowMessage {
  return { type: 'text', text };
}

function end(messages: FlowMessage[]): Outcome {
  return { state: null, messages, effects: [] };
}
