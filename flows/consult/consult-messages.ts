/**
 * What the consultation flows show: times as people read them (program time zone), a
 * booking's card with its cancel and move buttons, the booth list. Pure.
 */
import { contactText } from '../engine/contact.ts';
import { calendarDate, formatDate, localTime, timeRangeText } from '../engine/dates.ts';
import { t } from '../engine/text.ts';
import type { Choice, FlowMessage, SummaryRow, Text } from '../engine/types.ts';
import type { BoothConfig, BoothsConfig } from './consult-config.ts';
import { findSlot } from './consult-slots.ts';
import type { BoothsDeps, ConsultationFacts } from './consult-types.ts';

/** Buttons on a booking's card; they stay tappable in the chat history (consult.flow.ts `resumeFor`). */
export const CANCEL_VALUE = 'consult-cancel:';
export const MOVE_VALUE = 'consult-move:';

/** `13:00–13:20`: a slot button (the day is said in the question). */
export function slotTime(slot: { startsAt: string; endsAt: string }, timeZone: string): Extract<Text, { literal: unknown }> {
  const text = `${localTime(new Date(slot.startsAt), timeZone)}–${localTime(new Date(slot.endsAt), timeZone)}`;
  return { literal: { ja: text, en: text } };
}

/** The event day as a date (a slot's day). */
export function slotDay(startsAt: string, timeZone: string): Text {
  const date = calendarDate(new Date(startsAt), timeZone);
  return { literal: { ja: formatDate(date, 'ja'), en: formatDate(date, 'en') } };
}

export function organisation(booth: BoothConfig): Text {
  return { literal: booth.organisation };
}

export function boothPlace(booth: BoothConfig): Text {
  return booth.place ? { literal: booth.place } : t('booths.placeUnknown');
}

/** Whether a booking can still be cancelled or moved at `now`. */
export function changeable(startsAt: string, config: BoothsConfig, now: Date): boolean {
  return now.getTime() < Date.parse(startsAt) - config.settings.changeCutoffMinutes * 60_000;
}

/** A booking as a card: booth, topic, when, where, and cancel / move while it may still change. */
export function bookingCard(config: BoothsConfig, booking: ConsultationFacts, deps: BoothsDeps, title = t('booths.card.title')): FlowMessage {
  const found = findSlot(config, booking.slotId);
  const booth = found?.booth ?? config.booths.find((b) => b.id === booking.boothId);
  const rows: SummaryRow[] = [
    ...(booth ? boothRows(booth) : []),
    { label: t('booths.row.when'), value: timeRangeText(booking, deps.program.timeZone) },
    ...(booking.status === 'noShow' ? [{ label: t('booths.row.status'), value: t('booths.status.noShow') }] : []),
  ];
  if (booking.status !== 'booked') return { type: 'summary', title, rows, actions: [] };
  if (!changeable(booking.startsAt, config, deps.now)) {
    return { type: 'summary', title, rows, actions: [], footer: lockedText(config, deps) };
  }
  const actions: Choice[] = [
    { label: t('booths.card.move'), value: `${MOVE_VALUE}${booking.consultationId}` },
    { label: t('booths.card.cancel'), value: `${CANCEL_VALUE}${booking.consultationId}` },
  ];
  return { type: 'summary', title, rows, actions };
}

export function boothRows(booth: BoothConfig): SummaryRow[] {
  return [
    { label: t('booths.row.booth'), value: organisation(booth) },
    { label: t('booths.row.topic'), value: { literal: booth.topic } },
    { label: t('booths.row.place'), value: boothPlace(booth) },
    ...(booth.consultants.length > 0 ? [{ label: t('booths.row.consultants'), value: { literal: { ja: booth.consultants.join('、'), en: booth.consultants.join(', ') } } }] : []),
  ];
}

export function lockedText(config: BoothsConfig, deps: BoothsDeps): Text {
  return t('booths.card.locked', { minutes: config.settings.changeCutoffMinutes, contact: contactText(deps.program) });
}
