/**
 * The message catalog: every participant-facing string, Japanese first.
 * Flows refer to keys; renderers call `translate` with the participant's language.
 */
import { ja } from './ja.ts';
import { en } from './en.ts';
import type { Language } from '../engine/types.ts';

export type MessageKey = keyof typeof ja;

const catalogs: Record<Language, Record<MessageKey, string>> = { ja, en };

/** Looks a key up and fills `{name}` placeholders; an unknown placeholder is left visible so it is noticed. */
export function translate(
  language: Language,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const template = catalogs[language][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(ja, key);
}
