/**
 * Quiet hours: nobody is messaged at night about something that can wait. A message due
 * inside them moves to their end, in the program's time zone (Asia/Tokyo). Pure: the
 * instant is an argument. Schedules apply it when their time is set
 * (core/schedules/schedule.service.ts); any other sender (a scheduled broadcast) calls it
 * the same way.
 *
 * @example
 * // 22:30 JST is inside 21:00–09:00: moved to 09:00 JST the next morning.
 * outsideQuietHours(new Date('2026-12-01T13:30:00Z'), { start: '21:00', end: '09:00' }, 'Asia/Tokyo');
 * // → 2026-12-02T00:00:00Z
 */
import { z } from 'zod';
import { addDays, calendarDate, localTime } from './dates.ts';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

/** `start`–`end`, wall-clock times; a window across midnight (21:00–09:00) has `start` after `end`. */
export const quietHoursSchema = z.object({ start: clock, end: clock })
  .refine((q) => q.start !== q.end, { message: 'start and end must differ' });
export type QuietHours = z.infer<typeof quietHoursSchema>;

export const DEFAULT_QUIET_HOURS: QuietHours = { start: '21:00', end: '09:00' };

/** Whether the wall-clock time `time` (HH:MM) falls inside the window (its start counts, its end does not). */
export function isQuietTime(time: string, quiet: QuietHours): boolean {
  return quiet.start < quiet.end ? time >= quiet.start && time < quiet.end : time >= quiet.start || time < quiet.end;
}

/** `at` itself when it is outside quiet hours; otherwise the end of the quiet hours it falls in. */
export function outsideQuietHours(at: Date, quiet: QuietHours, timeZone: string): Date {
  const time = localTime(at, timeZone);
  if (!isQuietTime(time, quiet)) return at;
  const today = calendarDate(at, timeZone);
  // Across midnight, the evening part ends the next morning; the early-morning part ends today.
  const endDate = quiet.start > quiet.end && time >= quiet.start ? addDays(today, 1) : today;
  return zonedInstant(endDate, quiet.end, timeZone);
}

/**
 * The instant a calendar date and wall-clock time name in `timeZone`. The zone's offset
 * is read at a first guess and corrected once, which is exact wherever the offset does not
 * change within hours of the instant (always so in Asia/Tokyo, which has no DST).
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let guess = wall - offsetMs(new Date(wall), timeZone);
  guess = wall - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** The zone's offset from UTC at `at`, in milliseconds (Asia/Tokyo: +9 h). */
function offsetMs(at: Date, timeZone: string): number {
  const date = calendarDate(at, timeZone);
  const [hh, mm] = localTime(at, timeZone).split(':').map(Number) as [number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  return wall - Math.floor(at.getTime() / 60_000) * 60_000;
}

/**
 * The instant a wall-clock time staff typed (`YYYY-MM-DD HH:mm`, full-width digits too)
 * names in the zone; null when malformed.
 */
export function localTimeToInstant(text: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(text.normalize('NFKC').trim());
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || h > 23 || mi > 59) return null;
  return zonedInstant(match.slice(1, 4).join('-'), `${match[4]}:${match[5]}`, timeZone);
}
