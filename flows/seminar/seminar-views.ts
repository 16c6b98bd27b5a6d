/**
 * What the seminar flow shows: the list with seats left, the card of one seminar with
 * its book button, the person's bookings with their buttons. Pure functions of the
 * configuration and the run-time facts.
 */
import { t } from '../engine/text.ts';
import type { Choice, FlowMessage, SummaryRow, Text } from '../engine/types.ts';
import type { SeminarsConfig } from './seminar-config.ts';
import {
  acceptDeclineChoices, BOOK_VALUE, CANCEL_VALUE, configOf, instantText, labelText, PICK_VALUE, seatsText, seminarParams, titleText, whenText,
} from './seminar-messages.ts';
import type { BookingFacts, SeminarDeps, SeminarFacts, SeminarState } from './seminar-types.ts';

/** Seminars in the file and synced, not yet started, by start time: the ones that can be booked. */
export function upcoming(config: SeminarsConfig, facts: SeminarFacts, now: Date): SeminarState[] {
  return facts.seminars
    .filter((s) => configOf(config, s.id) && Date.parse(s.startsAt) > now.getTime())
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || a.id.localeCompare(b.id));
}

export function pickChoices(config: SeminarsConfig, seminars: readonly SeminarState[]): Choice[] {
  return seminars.map((s) => ({ label: labelText(configOf(config, s.id), s.id), value: `${PICK_VALUE}${s.id}`, aliases: aliasesOf(config, s.id) }));
}

/** Typing the title or the short name picks a seminar, in either language. */
function aliasesOf(config: SeminarsConfig, seminarId: string): string[] {
  const seminar = configOf(config, seminarId);
  if (!seminar) return [];
  return [seminar.title.ja, seminar.title.en, ...(seminar.label ? [seminar.label.ja, seminar.label.en] : [])];
}

export function listMessage(config: SeminarsConfig, facts: SeminarFacts, seminars: readonly SeminarState[], deps: SeminarDeps): FlowMessage {
  const items = seminars.map((s): Text => {
    const seminar = configOf(config, s.id)!;
    const params = seminarParams(config, s, deps.program.timeZone);
    return t('seminars.list.item', { ...params, speaker: { literal: seminar.speaker }, seats: standingText(facts, s) });
  });
  return { type: 'text', text: { join: [t('seminars.list.intro'), ...items] }, choices: pickChoices(config, seminars) };
}

/** The seats, or where the person stands when they hold a booking of it. */
function standingText(facts: SeminarFacts, state: SeminarState): Text {
  const mine = bookingFor(facts, state.id);
  if (mine?.status === 'booked') return t('seminars.seats.yours');
  if (mine?.status === 'offered') return t('seminars.seats.yoursOffered');
  if (mine?.status === 'waitlisted') return t('seminars.seats.yoursWaiting', { position: mine.position ?? 0 });
  return seatsText(state);
}

export function bookingFor(facts: SeminarFacts, seminarId: string): BookingFacts | undefined {
  return facts.bookings.find((b) => b.seminarId === seminarId);
}

/** Whether a newcomer would wait: no seat free, or people already waiting before them. */
export function wouldWait(state: SeminarState): boolean {
  return state.held >= state.capacity || state.waiting > 0;
}

export function seminarCard(config: SeminarsConfig, state: SeminarState, deps: SeminarDeps): FlowMessage {
  const seminar = configOf(config, state.id)!;
  const params = seminarParams(config, state, deps.program.timeZone);
  const rows: SummaryRow[] = [
    { label: t('seminars.row.seminar'), value: params.title },
    { label: t('seminars.row.speaker'), value: { literal: seminar.speaker } },
    { label: t('seminars.row.when'), value: params.when },
    { label: t('seminars.row.room'), value: params.room },
    { label: t('seminars.row.seats'), value: seatsText(state) },
  ];
  const waits = wouldWait(state);
  return {
    type: 'summary', title: t('seminars.card.title'), rows,
    actions: [{ label: t(waits ? 'seminars.card.join' : 'seminars.card.book'), value: `${BOOK_VALUE}${state.id}` }],
    footer: t(waits ? 'seminars.card.footerFull' : 'seminars.card.footer'),
  };
}

/** "My seminars": each live booking, with cancel, leave, or accept and decline. */
export function mineMessage(config: SeminarsConfig, facts: SeminarFacts, deps: SeminarDeps): FlowMessage {
  const tz = deps.program.timeZone;
  const lines: Text[] = [];
  const choices: Choice[] = [];
  for (const booking of sortedBookings(facts)) {
    const state = facts.seminars.find((s) => s.id === booking.seminarId);
    if (!state) continue;
    const seminar = configOf(config, booking.seminarId);
    const params = { title: titleText(seminar, booking.seminarId), when: whenText(state, tz), room: { literal: state.room } };
    const label = labelText(seminar, booking.seminarId);
    if (booking.status === 'booked') {
      lines.push(t('seminars.mine.booked', params));
      choices.push({ label: t('seminars.button.cancel', { label }), value: `${CANCEL_VALUE}${booking.bookingId}` });
    } else if (booking.status === 'waitlisted') {
      lines.push(t('seminars.mine.waitlisted', { ...params, position: booking.position ?? 0 }));
      choices.push({ label: t('seminars.button.leave', { label }), value: `${CANCEL_VALUE}${booking.bookingId}` });
    } else {
      lines.push(t('seminars.mine.offered', { ...params, until: instantText(booking.offerExpiresAt!, tz) }));
      choices.push(...acceptDeclineChoices(booking.bookingId));
    }
  }
  return { type: 'text', text: { join: [t('seminars.mine.intro'), ...lines] }, choices };
}

function sortedBookings(facts: SeminarFacts): BookingFacts[] {
  const startOf = (b: BookingFacts) => Date.parse(facts.seminars.find((s) => s.id === b.seminarId)?.startsAt ?? '');
  return [...facts.bookings].sort((a, b) => startOf(a) - startOf(b));
}
