/**
 * How a seminar reads in messages: its time and room as they stand now (run-time facts),
 * its title and speaker from the program file, the list's lines, and the offer of a freed
 * seat that is pushed to the next person waiting (core/modules/seminar.server-module.ts).
 */
import { calendarDate, formatDayTime, formatInstant, localTime } from '../engine/dates.ts';
import { t } from '../engine/text.ts';
import type { Choice, FlowMessage, Language, Text } from '../engine/types.ts';
import type { SeminarConfig, SeminarsConfig } from './seminar-config.ts';
import type { SeminarState } from './seminar-types.ts';

/** Button values; prefixed so they never collide with another flow's. */
export const PICK_VALUE = 'seminar-pick:';
export const BOOK_VALUE = 'seminar-book:';
/** Cancels a seat, leaves the queue or declines an offer: the confirmation says which. */
export const CANCEL_VALUE = 'seminar-cancel:';
export const ACCEPT_VALUE = 'seminar-accept:';

export function configOf(config: SeminarsConfig, seminarId: string): SeminarConfig | undefined {
  return config.list.find((s) => s.id === seminarId);
}

/** The title, or the id for a seminar no longer in the file (its bookings still show). */
export function titleText(seminar: SeminarConfig | undefined, seminarId: string): Text {
  return seminar ? { literal: seminar.title } : { literal: { ja: seminarId, en: seminarId } };
}

/** A button's short name: the configured label, else the title (LINE clips labels at 20). */
export function labelText(seminar: SeminarConfig | undefined, seminarId: string): Text {
  return seminar?.label ? { literal: seminar.label } : titleText(seminar, seminarId);
}

/** 1月23日(土) 14:00–15:00 / Sat 23 Jan, 14:00–15:00, in the program's zone. */
export function whenText(state: Pick<SeminarState, 'startsAt' | 'endsAt'>, timeZone: string): Text {
  const start = new Date(state.startsAt);
  const at = (language: Language) =>
    `${formatDayTime(calendarDate(start, timeZone), localTime(start, timeZone), language)}–${localTime(new Date(state.endsAt), timeZone).replace(/^0(\d)/, '$1')}`;
  return { literal: { ja: at('ja'), en: at('en') } };
}

export function instantText(iso: string, timeZone: string): Text {
  return { literal: { ja: formatInstant(iso, 'ja', timeZone), en: formatInstant(iso, 'en', timeZone) } };
}

/** Title, time and room: the parameters most seminar messages share. */
export function seminarParams(config: SeminarsConfig, state: SeminarState, timeZone: string) {
  return { title: titleText(configOf(config, state.id), state.id), when: whenText(state, timeZone), room: { literal: state.room } };
}

/** Seats left, or how many wait. */
export function seatsText(state: SeminarState): Text {
  if (state.capacity === 0) return t('seminars.seats.waitOnly');
  const left = state.capacity - state.held;
  return left > 0 && state.waiting === 0 ? t('seminars.seats.left', { n: left }) : t('seminars.seats.full', { n: state.waiting });
}

export function acceptDeclineChoices(bookingId: string): Choice[] {
  return [
    { label: t('seminars.button.accept'), value: `${ACCEPT_VALUE}${bookingId}` },
    { label: t('seminars.button.decline'), value: `${CANCEL_VALUE}${bookingId}` },
  ];
}

/** Pushed to the person a freed seat is offered to: the seminar, the hold, accept or decline. */
export function offerMessages(config: SeminarsConfig, state: SeminarState, bookingId: string, expiresAt: string, timeZone: string): FlowMessage[] {
  const params = seminarParams(config, state, timeZone);
  const until = instantText(expiresAt, timeZone);
  return [{
    type: 'summary', title: t('seminars.offer.title'),
    rows: [
      { label: t('seminars.row.seminar'), value: params.title },
      { label: t('seminars.row.when'), value: params.when },
      { label: t('seminars.row.room'), value: params.room },
      { label: t('seminars.row.until'), value: until },
    ],
    actions: acceptDeclineChoices(bookingId),
    footer: t('seminars.offer', { title: params.title, until }),
  }];
}

/** Told by push when an offer ran out unanswered (the worker's hold expiry). */
export function offerExpiredMessages(config: SeminarsConfig, seminarId: string): FlowMessage[] {
  return [{ type: 'text', text: t('seminars.offerExpired', { title: titleText(configOf(config, seminarId), seminarId) }) }];
}
