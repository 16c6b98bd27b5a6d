import { translate } from '../catalog/catalog.ts';
import type { Language, Text } from './types.ts';

/** Resolves a flow `Text` to a string; fact references must be filled in before this. */
export function translateText(text: Text, language: Language, facts: Record<string, string> = {}): string {
  if ('literal' in text) return text.literal[language];
  if ('join' in text) return text.join.map((part) => translateText(part, language, facts)).join('\n');
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(text.params ?? {})) {
    if (typeof value !== 'object') params[name] = value;
    else if ('fact' in value) params[name] = facts[value.fact] ?? '';
    else params[name] = translateText(value, language, facts);
  }
  return translate(language, text.key, params);
}

/** Shorthand for a catalog text. */
export function t(key: Extract<Text, { key: unknown }>['key'], params?: Extract<Text, { key: unknown }>['params']): Text {
  return params ? { key, params } : { key };
}
