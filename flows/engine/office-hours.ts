/**
 * Whether the office is open at an instant, and when it opens next, in the program's time
 * zone: a person handed to staff hears when an answer can come. Pure: the instant is an
 * argument.
 */
import type { OfficeHours } from './base-program.ts';
import { addDays, calendarDate, localTime, weekdayOf } from './dates.ts';

/** Whether the office is open now, and when it opens next. */
export interface OfficeStatus {
  open: boolean;
  /** The next opening after `now` (a calendar date and HH:MM), within the next 60 days. */
  nextOpening: { date: string; time: string } | null;
}

/** Long closures (the year-end break plus a holiday week) stay well inside this. */
const LOOKAHEAD_DAYS = 60;

/** The office at `now`, with `hours` read in `timeZone` (the program's). */
export function officeStatus(now: Date, hours: OfficeHours, timeZone: string): OfficeStatus {
  const today = calendarDate(now, timeZone);
  const time = localTime(now, timeZone);
  const openOn = (date: string) => hours.weekdays.includes(weekdayOf(date)) && !hours.closedDates.includes(date);
  const open = openOn(today) && time >= hours.opens && time < hours.closes;
  for (let day = 0; day <= LOOKAHEAD_DAYS; day++) {
    const date = addDays(today, day);
    if (!openOn(date) || (day === 0 && time >= hours.opens)) continue;
    return { open, nextOpening: { date, time: hours.opens } };
  }
  return { open, nextOpening: null };
}
