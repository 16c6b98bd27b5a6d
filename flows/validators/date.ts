/**
 * Reads a calendar date as people in Japan write it and returns 'YYYY-MM-DD'.
 *
 * ```ts
 * parseDate('2021-04-01');      // { ok: true, value: '2021-04-01' } (LINE's date picker)
 * parseDate('2021年4月1日');     // { ok: true, value: '2021-04-01' }
 * parseDate('R3.4.1');          // { ok: true, value: '2021-04-01' }
 * parseDate('令和元年5月1日');    // { ok: true, value: '2019-05-01' }
 * parseDate('平成31年5月1日');    // { ok: false, reason: 'date.invalid' } (平成 ended on 4/30)
 * ```
 */
export function parseDate(text: string): DateResult {
  const normalized = text.normalize('NFKC').replace(/\s+/gu, '');
  const western = westernDate.exec(normalized);
  if (western) {
    const [, year, month, day, kanjiMonth, kanjiDay] = western;
    return calendarDate(Number(year), Number(month ?? kanjiMonth), Number(day ?? kanjiDay));
  }

  const japanese = eraDate.exec(normalized);
  if (!japanese) return invalid;
  const era = eras.find((candidate) => candidate.names.includes((japanese[1] ?? '').toUpperCase()));
  if (!era) return invalid;
  const eraYear = japanese[2] === '元' ? 1 : Number(japanese[2]);
  if (eraYear < 1) return invalid;
  const parsed = calendarDate(era.firstYear + eraYear - 1, Number(japanese[3]), Number(japanese[4]));
  if (!parsed.ok || parsed.value < era.start || (era.end !== undefined && parsed.value > era.end)) return invalid;
  return parsed;
}

/**
 * A date that is today or earlier, e.g. when a business was founded. `today` is the
 * calendar date in the program's time zone, passed in so the check reads no clock.
 *
 * ```ts
 * validatePastDate('2031-01-01', '2025-06-01'); // { ok: false, reason: 'date.future' }
 * ```
 */
export function validatePastDate(text: string, today: string): DateResult {
  if (!calendarDate(...splitIso(today)).ok) throw new Error(`today must be a YYYY-MM-DD date, got ${today}`);
  const parsed = parseDate(text);
  if (!parsed.ok) return parsed;
  // 'YYYY-MM-DD' strings compare in calendar order.
  return parsed.value > today ? { ok: false, reason: 'date.future' } : parsed;
}

export type DateReason = 'date.invalid' | 'date.future';

export type DateResult = { ok: true; value: string } | { ok: false; reason: DateReason };

const invalid: DateResult = { ok: false, reason: 'date.invalid' };

/** 2021-04-01, 2021/4/1, 2021.4.1, 2021年4月1日 (the 日 may be left off). */
const westernDate = /^(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})日?)$/;

/** 令和3年4月1日, 令和元年5月1日, R3.4.1, R3/4/1, H31-4-30. */
const eraDate = /^(令和|平成|昭和|[RHSrhs])(元|\d{1,2})(?:年|[-/.])(\d{1,2})(?:月|[-/.])(\d{1,2})日?$/;

interface Era {
  names: string[];
  firstYear: number;
  start: string;
  end?: string;
}

/** First and last days of each era; NFKC has already turned ㋿/㍻/㍼ into 令和/平成/昭和. */
const eras: Era[] = [
  { names: ['令和', 'R'], firstYear: 2019, start: '2019-05-01' },
  { names: ['平成', 'H'], firstYear: 1989, start: '1989-01-08', end: '2019-04-30' },
  { names: ['昭和', 'S'], firstYear: 1926, start: '1926-12-25', end: '1989-01-07' },
];

function calendarDate(year: number, month: number, day: number): DateResult {
  if (!Number.isInteger(year) || year < 1000 || month < 1 || month > 12 || day < 1) return invalid;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > lastDay) return invalid;
  return { ok: true, value: `${year}-${pad(month)}-${pad(day)}` };
}

function splitIso(date: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [NaN, NaN, NaN];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
