/**
 * Translates one received LINE webhook event into what ouen does with it. Nothing else:
 * no state, no I/O.
 */
import type { ChannelAction, StoredReplyToken } from '../channel-adapter.ts';
import { parsePostback } from './postback-data.ts';
import type { ReceivedEvent } from './received-events.ts';
import { replyTokenAt } from './reply-token.ts';
import type { LineEvent } from './webhook.schema.ts';

export type LineAction = ChannelAction<StoredReplyToken>;

/**
 * @example
 * lineAction({ event: followEvent, receivedAt }) // { kind: 'turn', userId, input: { type: 'follow', returning: false }, replyTo, replyToken, reachable: true }
 */
export function lineAction({ event, receivedAt }: ReceivedEvent): LineAction {
  if (event.mode === 'standby') return { kind: 'ignore', reason: 'standby' };
  const userId = event.source?.type === 'user' ? event.source.userId : undefined;
  if (!userId) return { kind: 'ignore', reason: 'not-a-user-chat' };
  // LINE's answer to this event is its reply token, which the outbox row keeps too.
  const token: StoredReplyToken | undefined = event.replyToken ? { token: event.replyToken, at: replyTokenAt(event.timestamp, receivedAt) } : undefined;
  const reply = token ? { replyTo: token, replyToken: token } : {};
  switch (event.type) {
    case 'follow':
      return { kind: 'turn', userId, ...reply, input: { type: 'follow', returning: event.follow?.isUnblocked === true }, reachable: true };
    case 'unfollow':
      return { kind: 'unfollow', userId };
    case 'unsend':
      // A turn of its own: what the message became goes, and the flow asks for it again.
      return event.unsend ? { kind: 'turn', userId, input: { type: 'unsend', messageId: event.unsend.messageId } } : { kind: 'ignore', reason: 'malformed' };
    case 'message':
      return event.message ? { kind: 'turn', userId, ...reply, ...messageInput(event.message) } : { kind: 'ignore', reason: 'malformed' };
    case 'postback': {
      if (!event.postback) return { kind: 'ignore', reason: 'malformed' };
      const input = parsePostback(event.postback.data, event.postback.params);
      return { kind: 'turn', userId, ...reply, input: input ?? { type: 'unsupported', what: 'postback' } };
    }
    default:
      return { kind: 'ignore', reason: 'event-type' };
  }
}

function messageInput(message: NonNullable<LineEvent['message']>): Pick<Extract<LineAction, { kind: 'turn' }>, 'input' | 'file'> {
  if (message.type === 'text') return { input: { type: 'text', text: message.text ?? '', messageId: message.id } };
  if (message.type === 'file') {
    // Fetched by message id from LINE's data API; the input is completed once the file is received.
    const file = { messageId: message.id, fileName: message.fileName ?? 'file', sizeBytes: message.fileSize ?? 0, source: message.id };
    return { input: { type: 'unsupported', what: 'file-pending' }, file };
  }
  return { input: { type: 'unsupported', what: message.type } };
}
