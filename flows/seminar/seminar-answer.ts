/**
 * What booking, giving up and accepting came to, in words: a pure function of the
 * outcome core reported and the facts after it (the seminar's time and room as they
 * stand, the person's place in the queue).
 */
import { otherBookingText } from '../bookings/other-booking.ts';
import { contactText } from '../engine/contact.ts';
import type { FlowAnswer } from '../engine/module.ts';
import { t } from '../engine/text.ts';
import type { FlowMessage, Text } from '../engine/types.ts';
import type { SeminarsConfig } from './seminar-config.ts';
import { acceptDeclineChoices, CANCEL_VALUE, configOf, instantText, labelText, seminarParams, titleText } from './seminar-messages.ts';
import type { BookingFacts, SeminarDeps, SeminarOutcome, SeminarState } from './seminar-types.ts';

/** Continuations: the answer waits for what the effect came to. */
export const BOOKED = 'booked';
export const CANCELLED = 'cancelled';
export const ACCEPTED = 'accepted';

export function answerSeminar(continuation: string, outcomes: readonly SeminarOutcome[], deps: SeminarDeps): FlowAnswer {
  const config = deps.program.seminars;
  const outcome = outcomes[0];
  if (!config || !outcome) throw new Error(`no answer for ${continuation}`);
  return { messages: [messageFor(outcome, config, deps)] };
}

function messageFor(outcome: SeminarOutcome, config: SeminarsConfig, deps: SeminarDeps): FlowMessage {
  const title = (seminarId: string): Text => titleText(configOf(config, seminarId), seminarId);
  const stateOf = (seminarId: string) => deps.facts.seminars?.seminars.find((s) => s.id === seminarId);
  switch (outcome.effect) {
    case 'seminars.book': {
      const state = stateOf(outcome.seminarId);
      switch (outcome.result) {
        case 'booked':
          return say(t('seminars.booked', params(config, state, outcome.seminarId, deps)));
        case 'waitlisted':
          return waitlisted(outcome.waitOnly ? 'seminars.waitlisted.waitOnly' : 'seminars.waitlisted', title(outcome.seminarId), outcome.position, outcome.bookingId, config, outcome.seminarId);
        case 'already': {
          const mine = deps.facts.seminars?.bookings.find((b) => b.seminarId === outcome.seminarId);
          if (state && mine) return alreadyMessage(config, state, mine);
          return say(t('seminars.already.booked', { title: title(outcome.seminarId) }));
        }
        case 'overlap':
          return say(t('seminars.overlap', { title: title(outcome.seminarId), other: otherBookingText(outcome.other, deps.program.timeZone) }));
        case 'past':
          return say(t('seminars.past', { title: title(outcome.seminarId) }));
        case 'notRegistered':
          return say(t('seminars.notRegistered'));
        case 'unknown':
          return say(t('seminars.unknown'));
      }
      break;
    }
    case 'seminars.cancel':
      switch (outcome.result) {
        case 'cancelled': return say(t('seminars.cancelled', { title: title(outcome.seminarId) }));
        case 'left': return say(t('seminars.left', { title: title(outcome.seminarId) }));
        case 'declined': return say(t('seminars.declined', { title: title(outcome.seminarId) }));
        case 'tooLate':
          return say(t('seminars.tooLate', { title: title(outcome.seminarId), cutoff: instantText(outcome.cutoffAt, deps.program.timeZone), contact: contactText(deps.program) }));
        case 'notFound': return say(t('seminars.notFound'));
        case 'already': return say(t('seminars.alreadyEnded'));
      }
      break;
    case 'seminars.accept':
      switch (outcome.result) {
        case 'booked': return say(t('seminars.accepted', params(config, stateOf(outcome.seminarId), outcome.seminarId, deps)));
        case 'expired': return say(t('seminars.offerExpired', { title: title(outcome.seminarId) }));
        case 'notRegistered': return say(t('seminars.notRegistered'));
        case 'overlap': return say(t('seminars.overlap', { title: title(outcome.seminarId), other: otherBookingText(outcome.other, deps.program.timeZone) }));
        case 'notFound': return say(t('seminars.notFound'));
        case 'notOffered': return say(t('seminars.notOffered'));
      }
  }
  throw new Error("no answer for this seminar outcome");
}

/** Where the person stands with a seminar they hold a booking of (a second booking, a double tap). */
export function alreadyMessage(config: SeminarsConfig, state: SeminarState, mine: BookingFacts): FlowMessage {
  const title = titleText(configOf(config, state.id), state.id);
  if (mine.status === 'booked') return say(t('seminars.already.booked', { title }));
  if (mine.status === 'offered') return { type: 'text', text: t('seminars.already.offered', { title }), choices: acceptDeclineChoices(mine.bookingId) };
  return waitlisted('seminars.already.waitlisted', title, mine.position ?? 0, mine.bookingId, config, state.id);
}

function waitlisted(
  key: 'seminars.waitlisted' | 'seminars.waitlisted.waitOnly' | 'seminars.already.waitlisted', title: Text, position: number, bookingId: string, config: SeminarsConfig, seminarId: string,
): FlowMessage {
  const label = labelText(configOf(config, seminarId), seminarId);
  return { type: 'text', text: t(key, { title, position }), choices: [{ label: t('seminars.button.leave', { label }), value: `${CANCEL_VALUE}${bookingId}` }] };
}

function params(config: SeminarsConfig, state: SeminarState | undefined, seminarId: string, deps: SeminarDeps) {
  if (!state) return { title: titleText(configOf(config, seminarId), seminarId), when: '', room: '' };
  return seminarParams(config, state, deps.program.timeZone);
}

function say(text: Text): FlowMessage {
  return { type: 'text', text };
}
