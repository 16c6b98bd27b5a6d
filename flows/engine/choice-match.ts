import { translateText } from './text.ts';
import type { Choice } from './types.ts';

/**
 * A typed answer counts as a choice when it equals the choice's label in either
 * language, its value or one of its aliases (people often type what the button says,
 * or say it shorter), or when it is a number inside the choice's range (an age for an
 * age band).
 */
export function choiceMatches(choice: Choice, typed: string): boolean {
  const wanted = normalizeForMatch(typed);
  if (wanted === '') return false;
  const words = [choice.value, translateText(choice.label, 'ja'), translateText(choice.label, 'en'), ...(choice.aliases ?? [])];
  if (words.some((candidate) => normalizeForMatch(candidate) === wanted)) return true;
  return choice.range !== undefined && inRange(typedNumber(wanted), choice.range);
}

export function normalizeForMatch(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase().replace(/[\s「」『』"'。.!！]/g, '');
}

/** 「35」「35歳」「35才」「35 years old」 → 35. */
function typedNumber(normalized: string): number | null {
  const match = /^(\d{1,3})(歳|才|さい|yrs?|yearsold|years|yo)?(です)?$/.exec(normalized);
  return match ? Number(match[1]) : null;
}

function inRange(n: number | null, range: { min?: number; max?: number }): boolean {
  return n !== null && n >= (range.min ?? -Infinity) && n <= (range.max ?? Infinity);
}
