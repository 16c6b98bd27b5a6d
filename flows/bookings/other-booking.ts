/**
 * Another booking of the person, of either kind, whose time overlaps the one they asked
 * for: a seminar seat or a booth consultation. Seminars and consultations are separate
 * modules, but a person can be in one place at a time, so each refuses a time that
 * overlaps the other's (core/bookings/overlapping-booking.ts) and names it in the answer.
 * Core names it from the program file, because a module's flows see only their own
 * section of it.
 */
import type { Localized } from '../engine/base-program.ts';
import { timeRangeText } from '../engine/dates.ts';
import { t } from '../engine/text.ts';
import type { Text } from '../engine/types.ts';

export interface OtherBooking {
  kind: 'seminar' | 'consultation';
  /** The seminar's title, or the booth's organisation. */
  name: Localized;
  /** ISO instants. */
  startsAt: string;
  endsAt: string;
}

/** 「セミナー「…」（1月23日(土) 14:00–15:00）」 / `the seminar "…" (Sat 23 Jan, 14:00–15:00)`. */
export function otherBookingText(other: OtherBooking, timeZone: string): Text {
  const params = { name: { literal: other.name }, when: timeRangeText(other, timeZone) };
  return t(other.kind === 'seminar' ? 'overlap.seminar' : 'overlap.consultation', params);
}
