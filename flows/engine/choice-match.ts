import { translateText } from './text.ts';
import type { Choice } from './types.ts';

/**
 * A typed answer counts as a choice when it equals the choice's label in either
 * language or its value: people often type what the button says.
 */
export function choiceMatches(choice: Choice, typed: string): boolean {
  const wanted = normalizeForMatch(typed);
  if (wanted === '') return false;
  return [choice.value, translateText(choice.label, 'ja'), translateText(choice.label, 'en')]
    .some((candidate) => normalizeForMatch(candidate) === wanted);
}

export function normalizeForMatch(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase().replace(/[\s「」『』"'。.!！]/g, '');
}
