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
 * digit) separated only by short runs of spaces, line breaks, dashes, dots, slashes,
 * commas, brackets, plus signs, middle dots or invisible characters. Inside such a run,
 * any groups in a row that hold exactly twelve digits are a candidate (one group of
 * twelve, 4-4-4, 8-4, twelve single digits …), so that two phone numbers side by side,
 * whose groups never add up to twelve, are not taken for one. Identifiers ouen or LINE
 * make (UUIDs, long hexadecimal strings) are not what a person wrote and are skipped. */

/** What replaces a number found; a flow that sees it refuses the answer. */
export const MY_NUMBER_MARK = '［個人番号のため削除］';

const DIGITS = 12;
/** Separators between groups of one number: "4231 - 9605" and "4231\r\n\r\n9605" still join. */
const MAX_SEPARATOR_RUN = 6;
const separator = /[\s\-‐‑‒–—―−ー－﹣﹘.．・･。/／,，、_()（）[\]［］{}「」+＋•·‧∙⋅*＊#＃:：\u200B-\u200D\u2060\uFEFF]/u;
/** UUIDs and long hexadecimal strings (hashes, tokens): identifiers, not a person's words. */
const identifier = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[0-9a-f]*[a-f])[0-9a-f]{16,}/gi;
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
  const skipped = identifierSpans(text);
  const found: Array<{ start: number; end: number }> = [];
  for (const run of digitRuns(text)) {
    const groups = run.filter((g) => !skipped.some((span) => g.start < span.end && g.end > span.start));
    for (let i = 0; i < groups.length; i++) {
      const window = twelveFrom(groups, i);
      if (window && isValid(window.map((g) => g.digits).join(''))) {
        found.push({ start: window[0]!.start, end: window.at(-1)!.end });
        i += window.length - 1;
      }
    }
  }
  return found;
}

/** Groups from `i` on, in a row, holding exactly twelve digits; null when they skip past twelve. */
function twelveFrom(groups: Group[], i: number): Group[] | null {
  let count = 0;
  for (let j = i; j < groups.length; j++) {
    count += groups[j]!.digits.length;
    if (count === DIGITS) return groups.slice(i, j + 1);
    if (count > DIGITS) return null;
  }
  return null;
}

function identifierSpans(text: string): Array<{ start: number; end: number }> {
  return [...text.matchAll(identifier)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

/** Whether `text` holds an Individual Number, or the mark left where one was cut out. */
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
