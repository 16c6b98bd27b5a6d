/**
 * What an outbox row says, independent of the channel and the language it goes out in:
 * flow messages (catalog keys with parameters, or both languages as literals) and the
 * facts their placeholders refer to. The worker renders it for the person's channel and
 * language when it sends (runtime/render-outbox.ts), so a person who switches to English
 * before a reminder goes out reads it in English, and a Discord DM gets Discord buttons.
 *
 * @example
 * const content = flowContent([{ type: 'text', text: { key: 'event.reminder', params: { title } } }]);
 */
import type { Sealer } from '../crypto/sealer.ts';
import type { FlowMessage } from '../../flows/index.ts';

export interface OutboxContent {
  messages: FlowMessage[];
  /** Values for the messages' fact placeholders (a receipt number the turn assigned). */
  facts?: Record<string, string>;
}

/**
 * A sealed row opened: its content, or — for rows written before content was channel-neutral
 * (migration 20261201211050) — the LINE message objects it was rendered to then.
 */
export type StoredContent = { content: OutboxContent } | { renderedForLine: unknown[] };

export const outboxContext = (participantId: string) => `outbox:${participantId}`;

export function flowContent(messages: FlowMessage[], facts?: Record<string, string>): OutboxContent {
  return facts && Object.keys(facts).length > 0 ? { messages, facts } : { messages };
}

/** The same text in both languages (what staff wrote, a configured notice), as one message. */
export function literalText(text: { ja: string; en: string }): OutboxContent {
  return { messages: [{ type: 'text', text: { literal: text } }] };
}

/**
 * A keyed digest of the content: rows due together with the same digest say the same
 * thing and can go out as one multicast. Keyed (the sealer's index key), so the digest
 * of a short message cannot be guessed from the database. Producers build one content
 * object for all of a send's recipients, so its JSON is the same string for each.
 */
export function contentHash(sealer: Sealer, content: OutboxContent): string {
  return sealer.blindIndex('outbox-content', JSON.stringify(content));
}

export function openContent(sealer: Sealer, sealed: string, participantId: string): StoredContent {
  const opened = sealer.openJson<OutboxContent | unknown[]>(sealed, outboxContext(participantId));
  return Array.isArray(opened) ? { renderedForLine: opened } : { content: opened };
}
