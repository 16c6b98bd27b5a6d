import { containsMyNumber } from './my-number.ts';

/**
 * Cleans and checks free text (a business summary, a question for staff).
 *
 * ```ts
 * validateFreeText('  こんにちは👋🏽 ', { maxLength: 400 });   // { ok: true, value: 'こんにちは👋🏽' }
 * validateFreeText('あ'.repeat(512), { maxLength: 400 });
 * // { ok: false, reason: 'text.tooLong', limit: 400, count: 512 }
 * ```
 *
 * Length is counted as people see it: one emoji, one flag, one letter with a combining
 * mark each count as one character (grapheme clusters).
 */
export function validateFreeText(text: string, options: FreeTextOptions): FreeTextResult {
  const value = clean(text, options.multiline ?? false);
  if (value === '') return { ok: false, reason: 'text.empty' };
  // Checked before the length so an over-long text with an ID number hears about the ID first.
  if (containsMyNumber(value)) return { ok: false, reason: 'text.myNumber' };
  // A name or a summary of emoji and symbols alone is not an answer (「👍」「！！」).
  if (!/[\p{L}\p{N}]/u.test(value)) return { ok: false, reason: 'text.noLetters' };

  const count = graphemeCount(value);
  if (count > options.maxLength) return { ok: false, reason: 'text.tooLong', limit: options.maxLength, count };
  if (options.minLength !== undefined && count < options.minLength) {
    return { ok: false, reason: 'text.tooShort', limit: options.minLength, count };
  }
  return { ok: true, value };
}

export interface FreeTextOptions {
  /** Longest accepted text, in user-perceived characters. */
  maxLength: number;
  minLength?: number;
  /** Keep newlines and tabs; otherwise they become spaces. */
  multiline?: boolean;
}

export type FreeTextReason = 'text.empty' | 'text.tooLong' | 'text.tooShort' | 'text.myNumber' | 'text.noLetters';

export type FreeTextResult =
  | { ok: true; value: string }
  | { ok: false; reason: 'text.empty' | 'text.myNumber' | 'text.noLetters' }
  /** `limit` and `count` let the re-prompt say 「400字以内でお願いします（いま512字です）」. */
  | { ok: false; reason: 'text.tooLong' | 'text.tooShort'; limit: number; count: number };

const segmenter = new Intl.Segmenter('ja', { granularity: 'grapheme' });

/** User-perceived characters in `text`. */
export function graphemeCount(text: string): number {
  let count = 0;
  for (const _segment of segmenter.segment(text)) count += 1;
  return count;
}

/**
 * Removes what nobody means to store: control characters, bidirectional overrides
 * (they can make text display differently from what it says), zero-width spaces and
 * BOMs, and unpaired surrogates. ZWJ stays: emoji sequences like 👨‍👩‍👧 need it.
 */
function clean(text: string, multiline: boolean): string {
  const unified = text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]/g, '');
  const kept = multiline ? unified.replace(/[^\P{Cc}\n\t]/gu, '') : unified.replace(/[\n\t]/g, ' ').replace(/\p{Cc}/gu, '');
  return kept.trim();
}
