/**
 * Webhook bodies exactly as LINE builds them for a 1:1 chat (webhook.yml
 * `CallbackRequest`): one event per request, `mode: "active"`, a ULID event id, a
 * first delivery, and a reply token where LINE gives one (not for unfollow or unsend).
 */
import { ulid } from './line-ids.ts';

export interface WebhookEvent {
  type: string;
  mode: 'active';
  timestamp: number;
  source: { type: 'user'; userId: string };
  webhookEventId: string;
  deliveryContext: { isRedelivery: false };
  [field: string]: unknown;
}

export interface CallbackBody {
  destination: string;
  events: WebhookEvent[];
}

export const callbackBody = (destination: string, ...events: WebhookEvent[]): CallbackBody => ({ destination, events });

function event(type: string, userId: string, now: number, fields: Record<string, unknown>): WebhookEvent {
  return {
    type,
    mode: 'active',
    timestamp: now,
    source: { type: 'user', userId },
    webhookEventId: ulid(now),
    deliveryContext: { isRedelivery: false },
    ...fields,
  };
}

export const followEvent = (userId: string, now: number, replyToken: string, isUnblocked: boolean) =>
  event('follow', userId, now, { replyToken, follow: { isUnblocked } });

export const unfollowEvent = (userId: string, now: number) => event('unfollow', userId, now, {});

export const textMessageEvent = (userId: string, now: number, replyToken: string, message: { id: string; text: string; quoteToken: string }) =>
  event('message', userId, now, { replyToken, message: { type: 'text', ...message } });

export const fileMessageEvent = (userId: string, now: number, replyToken: string, message: { id: string; fileName: string; fileSize: number }) =>
  event('message', userId, now, { replyToken, message: { type: 'file', ...message } });

export const postbackEvent = (userId: string, now: number, replyToken: string, postback: { data: string; params?: Record<string, string> }) =>
  event('postback', userId, now, { replyToken, postback });

export const unsendEvent = (userId: string, now: number, messageId: string) =>
  event('unsend', userId, now, { unsend: { messageId } });
