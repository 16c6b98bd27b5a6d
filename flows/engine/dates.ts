/**
 * Calendar arithmetic in the program's time zone. Pure: the instant is always an argument.
 * Calendar dates are 'YYYY-MM-DD' strings, which compare correctly as strings.
 */
import type { Language, Text } from './types.ts';

/**
 * Building an Intl formatter costs far more than using one, and a turn formats dates
 * several times; formatters hold no state between calls, so they are kept per options.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, cached);
  }
  return cached;
}

/**
 * The calendar date an instant falls on in `timeZone`. Every UTC offset is a whole
 * number of minutes, so the date cannot change within a minute: the last answer per
 * zone is reused for instants in the same minute (formatToParts is slow).
 */
export function calendarDate(instant: Date, timeZone: string): string {
  const minute = Math.floor(instant.getTime() / 60_000);
  const last = lastDates.get(timeZone);
  if (last?.minute === minute) return last.date;
  const date = computeCalendarDate(instant, timeZone);
  lastDates.set(timeZone, { minute, date });
  return date;
}

const lastDates = new Map<string, { minute: number; date: string }>();

function computeCalendarDate(instant: Date, timeZone: string): string {
  const parts = formatter('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The wall-clock time of an instant in `timeZone`, HH:MM (24-hour). */
export function localTime(instant: Date, timeZone: string): string {
  const parts = formatter('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('hour')}:${get('minute')}`;
}

/** 0 = Sunday … 6 = Saturday, for a calendar date. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** The calendar date `days` after `date`. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** A day and a time as people read them: 12月2日(水) 9:00 / Wed 2 Dec, 9:00. */
export function formatDayTime(date: string, time: string, language: Language): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const clock = time.replace(/^0(\d)/, '$1');
  if (language === 'ja') return `${m}月${d}日(${'日月火水木金土'[weekdayOf(date)]}) ${clock}`;
  const day = formatter('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(Date.UTC(y, m - 1, d)));
  return `${day}, ${clock}`;
}

/** The same month and day `years` earlier; 29 February falls back to the 28th. */
export function yearsBefore(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const year = y - years;
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${year}-${pad(m)}-${pad(Math.min(d, lastDay))}`;
}

/** An instant as people read it, e.g. 2025年9月30日 23:59 or Sep 30, 2025, 23:59. */
export function formatInstant(iso: string, language: Language, timeZone: string): string {
  return formatter(language === 'ja' ? 'ja-JP' : 'en-GB', {
    timeZone, year: 'numeric', month: language === 'ja' ? 'long' : 'short', day: 'numeric',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).format(new Date(iso));
}

/** A calendar date as people read it: 2021年4月1日 / 1 Apr 2021. */
export function formatDate(date: string, language: Language): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (language === 'ja') return `${y}年${m}月${d}日`;
  return formatter('en-GB', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A span of time on one day, in both languages: `1月23日(土) 13:00–13:20` / `Sat 23 Jan, 13:00–13:20`. */
export function timeRangeText(span: { startsAt: string; endsAt: string }, timeZone: string): Text {
  const at = (language: Language) => {
    const start = new Date(span.startsAt);
    return `${formatDayTime(calendarDate(start, timeZone), localTime(start, timeZone), language)}–${localTime(new Date(span.endsAt), timeZone)}`;
  };
  return { literal: { ja: at('ja'), en: at('en') } };
}
