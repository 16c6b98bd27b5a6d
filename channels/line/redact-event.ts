/**
 * A webhook event with every Individual Number cut out of what the person wrote (text,
 * file names, postback data, anything LINE adds later), before the event is stored in
 * the inbox or handed to a turn: ouen must never hold one (flows/validators/my-number.ts).
 * Identifiers are left alone: a LINE id or a reply token can hold twelve digits in a row
 * by chance, and they are LINE's, not the person's words.
 */
import { redactMyNumbersDeep } from '../../flows/validators/my-number.ts';
import type { LineEvent } from './webhook.schema.ts';

const IDENTIFIERS: ReadonlySet<string> = new Set([
  'source', 'webhookEventId', 'replyToken', 'deliveryContext', 'destination', 'id', 'messageId', 'quoteToken',
  'quotedMessageId', 'markAsReadToken', 'packageId', 'stickerId', 'productId', 'emojiId', 'timestamp', 'type', 'mode',
]);

/** The event as it may be stored and processed: what the person wrote, with any Individual Number cut out. */
export function redactEventContent(event: LineEvent): LineEvent {
  return redactMyNumbersDeep(event, IDENTIFIERS);
}
