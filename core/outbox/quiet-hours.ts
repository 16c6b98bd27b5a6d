/**
 * Quiet hours: a non-urgent message (a broadcast) due inside them waits for their end.
 * Pure; the time zone's wall clock is read with Intl, so any zone works (Asia/Tokyo has
 * no daylight saving, but a configured one might). A small stand-in until the schedules
 * module brings its own (issue 10 §3); one place to swap.
 *
 * @example
 * outsideQuietHours(new Date('2026-12-10T13:30:00Z'), DEFAULT_QUIET_HOURS) // 22:30 in Tokyo → 2026-12-10T23:00:00Z (08:00)
 */
export interface QuietHours {
  /** `HH:mm`, local: quiet from here … */
  start: string;
  /** … until here (the next day when it is earlier than `start`). */
  end: string;
  timeZone: string;
}

export const DEFAULT_QUIET_HOURS: QuietHours = { start: '21:00', end: '08:00', timeZone: 'Asia/Tokyo' };

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** `at` itself when it falls outside the quiet hours, else the instant they end. */
export function outsideQuietHours(at: Date, quiet: QuietHours): Date {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return at;
  const local = wallMinutes(at, quiet.timeZone);
  const inside = start < end ? local >= start && local < end : local >= start || local < end;
  if (!inside) return at;
  const wait = (end - local + 24 * 60) % (24 * 60);
  const moved = new Date(at.getTime() + wait * 60_000);
  // Whole minutes: the end is on the minute, whatever seconds `at` had.
  moved.setUTCSeconds(0, 0);
  return moved;
}

/** Minutes since local midnight in the zone. */
function wallMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

/**
 * The instant a local wall-clock time (`YYYY-MM-DD HH:mm`) names in the zone; null when
 * malformed. Staff type scheduled times in local time.
 */
export function localTimeToInstant(text: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(text.normalize('NFKC').trim());
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const offset = zoneOffsetMinutes(new Date(guess), timeZone);
  return new Date(guess - offset * 60_000);
}

function zoneOffsetMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(at);
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'));
  return Math.round((wall - at.getTime()) / 60_000);
}
