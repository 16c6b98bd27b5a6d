/**
 * The message catalog: every participant-facing string, Japanese first, in one flat key
 * space. Flows refer to keys; renderers call `translate` with the participant's language.
 *
 * The shared entries are ja.ts and en.ts; a flow module brings its own in its
 * `<module>.catalog.ts` (data only, keys starting with the module id), added here.
 */
import { ja as sharedJa } from './ja.ts';
import { en as sharedEn } from './en.ts';
import { contestCatalog } from '../contest/contest.catalog.ts';
import { eventCatalog } from '../event/event.catalog.ts';
import { seminarCatalog } from '../seminar/seminar.catalog.ts';
import { boothsCatalog } from '../consult/consult.catalog.ts';
import { myBookingsCatalog } from '../my-bookings/my-bookings.catalog.ts';
import type { Language } from '../engine/types.ts';

const ja = { ...sharedJa, ...contestCatalog.ja, ...eventCatalog.ja, ...seminarCatalog.ja, ...boothsCatalog.ja, ...myBookingsCatalog.ja };
const en = { ...sharedEn, ...contestCatalog.en, ...eventCatalog.en, ...seminarCatalog.en, ...boothsCatalog.en, ...myBookingsCatalog.en };

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
