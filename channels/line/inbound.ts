/**
 * Translates one LINE webhook event into what ouen does with it. Nothing else:
 * no state, no I/O.
 */
import type { ChannelInput } from '../../flows/index.ts';
import { parsePostback } from './postback-data.ts';
import type { LineEvent } from './webhook.schema.ts';

export interface FileNotice {
  messageId: string;
  fileName: string;
  sizeBytes: number;
}

export type InboundAction =
  | { kind: 'turn'; userId: string; replyToken?: string; input: ChannelInput; file?: FileNotice }
  | { kind: 'unfollow'; userId: string }
  | { kind: 'ignore'; reason: string };

export function classifyEvent(event: LineEvent): InboundAction {
  if (event.mode === 'standby') return { kind: 'ignore', reason: 'standby' };
  const userId = event.source?.type === 'user' ? event.source.userId : undefined;
  if (!userId) return { kind: 'ignore', reason: 'not-a-user-chat' };
  const { replyToken } = event;
  switch (event.type) {
    case 'follow':
      return { kind: 'turn', userId, replyToken, input: { type: 'follow', returning: event.follow?.isUnblocked === true } };
    case 'unfollow':
      return { kind: 'unfollow', userId };
    case 'unsend':
      // A turn of its own: what the message became goes, and the flow asks for it again.
      return event.unsend ? { kind: 'turn', userId, input: { type: 'unsend', messageId: event.unsend.messageId } } : { kind: 'ignore', reason: 'malformed' };
    case 'message':
      return event.message ? messageAction(event.message, userId, replyToken) : { kind: 'ignore', reason: 'malformed' };
    case 'postback': {
      if (!event.postback) return { kind: 'ignore', reason: 'malformed' };
      const input = parsePostback(event.postback.data, event.postback.params);
      return { kind: 'turn', userId, replyToken, input: input ?? { type: 'unsupported', what: 'postback' } };
    }
    default:
      return { kind: 'ignore', reason: 'event-type' };
  }
}

function messageAction(message: NonNullable<LineEvent['message']>, userId: string, replyToken?: string): InboundAction {
  if (message.type === 'text') {
    return { kind: 'turn', userId, replyToken, input: { type: 'text', text: message.text ?? '', messageId: message.id } };
  }
  if (message.type === 'file') {
    const file = { messageId: message.id, fileName: message.fileName ?? 'file', sizeBytes: message.fileSize ?? 0 };
    // The input is completed once the content has been fetched (or refused unfetched).
    return { kind: 'turn', userId, replyToken, input: { type: 'unsupported', what: 'file-pending' }, file };
  }
  return { kind: 'turn', userId, replyToken, input: { type: 'unsupported', what: message.type } };
}
