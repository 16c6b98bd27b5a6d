/**
 * Individual Numbers (個人番号, "My Number") in text, however they are written.
 *
 * This program has no legal basis to hold one (DOMAIN.md §7), so every text that enters
 * ouen is searched before anything keeps it: a number found is cut out of the text at
 * the edge and replaced by {@link MY_NUMBER_MARK}, and a flow refuses any answer that
 * holds the mark. Only numbers whose check digit is right count: a 12-digit amount such
 * as 「120000000000円」 passes, and so does a mistyped number.
 *
 * ```ts
 * containsMyNumber('番号は 4231-9605-6805 です');   // true
 * containsMyNumber('4231\n9605\n6805');              // true (one group per line)
 * containsMyNumber('423196056805@example.jp');       // true (any field)
 * containsMyNumber('120000000000円');                 // false (wrong check digit)
 * redactMyNumbers('no. ４２３１ ９６０５ ６８０５');   // 'no. ［個人番号のため削除］'
 * ```
 *
 * What counts as "written as one number": digits (ASCII, full-width or any other decimal
 * digit) separated only by short runs of spaces, line breaks, dashes, dots, slashes or
 * commas. Inside such a run, twelve digits are a candidate when they are the whole run,
 * or one unbroken group of twelve, or three groups of four (the card's own layout), so
 * that two phone numbers or a date beside a year are not searched digit by digit. A run
 * of several groups glued to Latin letters is part of a code (a UUID), not a number.
 */

/** What replaces a number found; a flow that sees it refuses the answer. */
export const MY_NUMBER_MARK = '［個人番号のため削除］';

const DIGITS = 12;
/** Separators between groups of one number: "4231 - 9605" and "4231\r\n9605" still join. */
const MAX_SEPARATOR_RUN = 3;
const separator = /[\s\-‐‑‒–—―−ー－﹣﹘.．・･。/／,，、_]/u;
const anyDigit = /\p{Nd}/u;
const allDigits = /\p{Nd}/gu;

interface Group {
  digits: string;
  start: number;
  end: number;
}

/** Spans (UTF-16 offsets, end exclusive) of every Individual Number in `text`. */
export function findMyNumbers(text: string): Array<{ start: number; end: number }> {
  // Most texts hold fewer than twelve digits in all: one native scan settles those.
  if ((text.match(allDigits)?.length ?? 0) < DIGITS) return [];
  const found: Array<{ start: number; end: number }> = [];
  for (const run of digitRuns(text)) {
    const total = run.reduce((n, g) => n + g.digits.length, 0);
    // Groups glued to Latin letters are a code or an identifier (a UUID's 585914-3014-49c8),
    // not a number someone wrote out; twelve digits in one piece still count anywhere.
    if (run.length > 1 && (isLetter(text[run[0]!.start - 1]) || isLetter(text[run.at(-1)!.end]))) {
      for (const group of run) if (group.digits.length === DIGITS && isValid(group.digits)) found.push({ start: group.start, end: group.end });
      continue;
    }
    if (total === DIGITS) {
      if (isValid(run.map((g) => g.digits).join(''))) found.push({ start: run[0]!.start, end: run.at(-1)!.end });
      continue;
    }
    for (let i = 0; i < run.length; i++) {
      const window = candidateAt(run, i);
      if (window && isValid(window.map((g) => g.digits).join(''))) {
        found.push({ start: window[0]!.start, end: window.at(-1)!.end });
        i += window.length - 1;
      }
    }
  }
  return found;
}

export function containsMyNumber(text: string): boolean {
  return text.includes(MY_NUMBER_MARK) || findMyNumbers(text).length > 0;
}

/** `text` with every Individual Number replaced by {@link MY_NUMBER_MARK}. */
export function redactMyNumbers(text: string): string {
  const spans = findMyNumbers(text);
  if (spans.length === 0) return text;
  let out = '';
  let from = 0;
  for (const span of spans) {
    out += text.slice(from, span.start) + MY_NUMBER_MARK;
    from = span.end;
  }
  return out + text.slice(from);
}

/**
 * Every string inside `value` redacted, at any depth up to a bound, except under the keys
 * in `skip` (identifiers); returns the same object when nothing was found, so the common
 * case allocates nothing.
 */
export function redactMyNumbersDeep<T>(value: T, skip: ReadonlySet<string> = NO_KEYS): T {
  return redactValue(value, skip, 0) as T;
}

const NO_KEYS: ReadonlySet<string> = new Set();
/** Deeper than anything ouen builds or accepts; the webhook edge refuses deeper bodies. */
const MAX_DEPTH = 64;

function redactValue(value: unknown, skip: ReadonlySet<string>, depth: number): unknown {
  if (typeof value === 'string') return redactMyNumbers(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    const copy = value.map((item) => redactValue(item, skip, depth + 1));
    return copy.some((item, i) => item !== value[i]) ? copy : value;
  }
  let copy: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(value)) {
    if (skip.has(key)) continue;
    const next = redactValue(item, skip, depth + 1);
    if (next !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return copy ?? value;
}

/** The Individual Number check digit (番号法施行令 第8条): weights 2–7, then 2–6, from the right. */
export function isValid(twelve: string): boolean {
  if (!/^\d{12}$/.test(twelve)) return false;
  let sum = 0;
  for (let n = 1; n <= 11; n++) sum += Number(twelve[11 - n]) * (n <= 6 ? n + 1 : n - 5);
  const remainder = sum % 11;
  return Number(twelve[11]) === (remainder <= 1 ? 0 : 11 - remainder);
}

function isLetter(char: string | undefined): boolean {
  return char !== undefined && /[A-Za-z]/.test(char);
}

function candidateAt(run: Group[], i: number): Group[] | null {
  const first = run[i]!;
  if (first.digits.length === DIGITS) return [first];
  const three = run.slice(i, i + 3);
  if (three.length === 3 && three.every((g) => g.digits.length === 4)) return three;
  return null;
}

/** Groups of digits joined by short separator runs; anything else ends a run. */
function digitRuns(text: string): Group[][] {
  const runs: Group[][] = [];
  let run: Group[] = [];
  let group: Group | null = null;
  let gap = 0;
  const endRun = () => {
    if (group) run.push(group);
    if (run.length > 0) runs.push(run);
    run = [];
    group = null;
    gap = 0;
  };
  let index = 0;
  for (const char of text) {
    const digit = digitValue(char);
    if (digit !== null) {
      if (!group) group = { digits: '', start: index, end: index };
      group.digits += digit;
      group.end = index + char.length;
      gap = 0;
    } else if (separator.test(char) && (group || run.length > 0)) {
      if (group) {
        run.push(group);
        group = null;
      }
      gap += 1;
      if (gap > MAX_SEPARATOR_RUN) endRun();
    } else {
      endRun();
    }
    index += char.length;
  }
  endRun();
  return runs;
}

function digitValue(char: string): string | null {
  if (char >= '0' && char <= '9') return char;
  if (!anyDigit.test(char)) return null;
  const folded = char.normalize('NFKC');
  if (folded.length === 1 && folded >= '0' && folded <= '9') return folded;
  // Other scripts' digits (Arabic-Indic, Devanagari …) sit in blocks of ten from their zero.
  const code = char.codePointAt(0)!;
  for (let zero = code; zero > code - 10; zero--) {
    if (!anyDigit.test(String.fromCodePoint(zero - 1))) return String(code - zero);
  }
  return null;
}
