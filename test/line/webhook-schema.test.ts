import { describe, expect, it } from 'vitest';
import {
  callbackBody, fileMessageEvent, followEvent, postbackEvent, textMessageEvent, unfollowEvent, unsendEvent,
} from '../../bot/console/webhook-events.ts';
import { lineUserId, messageId, quoteToken, replyToken } from '../../bot/console/line-ids.ts';
import { nestsDeeperThan } from '../../bot/line/json-depth.ts';
import { callbackSchema, validateEvent } from '../../channels/line/webhook.schema.ts';
import { validateLineWebhook } from '../support/line-spec.ts';

const user = lineUserId();
const now = Date.now();
const text = () => textMessageEvent(user, now, replyToken(), { id: messageId(), text: '応募', quoteToken: quoteToken() });

describe('validateEvent', () => {
  it.each([
    ['a text message', text()],
    ['a file', fileMessageEvent(user, now, replyToken(), { id: messageId(), fileName: 'plan.pdf', fileSize: 1234 })],
    ['a follow', followEvent(user, now, replyToken(), true)],
    ['an unfollow', unfollowEvent(user, now)],
    ['an unsend', unsendEvent(user, now, messageId())],
    ['a date picker postback', postbackEvent(user, now, replyToken(), { data: 'd', params: { date: '2024-04-01' } })],
  ])('accepts %s as the console and the tests build it, and LINE\'s spec agrees', (_name, event) => {
    expect(validateLineWebhook(callbackBody(`U${'0'.repeat(32)}`, event))).toEqual({ ok: true });
    expect(validateEvent(event)).toMatchObject({ ok: true });
  });

  it.each([
    ['a time past what dates can hold', { timestamp: 8.64e15 + 1 }, 'timestamp'],
    ['a time before LINE existed', { timestamp: 0 }, 'timestamp'],
    ['a fractional time', { timestamp: now + 0.5 }, 'timestamp'],
    ['a NUL in the user id', { source: { type: 'user', userId: `${user.slice(0, -1)}\u0000` } }, 'source'],
    ['a user id of 3,000 characters', { source: { type: 'user', userId: `U${'a'.repeat(2999)}` } }, 'source'],
    ['a NUL in the type', { type: 'mess\u0000age' }, 'type'],
    ['a type of 40 letters', { type: 'x'.repeat(40) }, 'type'],
    ['a NUL in the event id', { webhookEventId: `01JQX8ZK5V4N6M3S2R1T0Y9W8\u0000` }, 'webhookEventId'],
    ['an event id that is no ULID', { webhookEventId: 'evt-1' }, 'webhookEventId'],
    ['an unknown mode', { mode: 'passive' }, 'mode'],
    ['no delivery context', { deliveryContext: undefined }, 'deliveryContext'],
    ['a reply token with a space', { replyToken: 'a b' }, 'replyToken'],
    ['a message id that is not a number', { message: { type: 'text', id: 'abc', text: 'x' } }, 'message'],
    ['no message at all', { message: undefined }, 'message'],
  ])('drops an event with %s, naming the field', (_name, change, reason) => {
    const verdict = validateEvent({ ...text(), ...change });
    expect(verdict).toMatchObject({ ok: false, reason });
  });

  it('names the event id of a dropped event only when the id itself is valid', () => {
    const event = text();
    expect(validateEvent({ ...event, timestamp: -1 })).toEqual({ ok: false, reason: 'timestamp', webhookEventId: event.webhookEventId });
    expect(validateEvent({ ...event, timestamp: -1, webhookEventId: 'x\u0000' })).toEqual({ ok: false, reason: 'timestamp' });
    expect(validateEvent('a string')).toEqual({ ok: false, reason: 'not-an-object' });
  });

  it('keeps only the fields ouen reads', () => {
    const plain = text();
    const emojis = [{ index: 0, length: 1, productId: 'p', emojiId: 'e' }];
    const event = { ...plain, injected: { deep: ['x'] }, message: { ...(plain.message as object), emojis } };
    const verdict = validateEvent(event);
    expect(verdict.ok && Object.keys(verdict.event).sort()).toEqual(['deliveryContext', 'message', 'mode', 'replyToken', 'source', 'timestamp', 'type', 'webhookEventId']);
    expect(verdict.ok && Object.keys(verdict.event.message!).sort()).toEqual(['id', 'text', 'type']);
  });

  it('passes event types LINE may add, with their common fields only', () => {
    const verdict = validateEvent({ ...unfollowEvent(user, now), type: 'somethingNew', somethingNew: { a: 1 } });
    expect(verdict.ok && verdict.event).toEqual({ ...unfollowEvent(user, now), type: 'somethingNew', webhookEventId: expect.any(String) });
  });
});

describe('callbackSchema', () => {
  it('wants a bot id as destination and an array of events', () => {
    expect(callbackSchema.safeParse({ destination: `U${'0'.repeat(32)}`, events: [] }).success).toBe(true);
    expect(callbackSchema.safeParse({ destination: 'x', events: [] }).success).toBe(false);
    expect(callbackSchema.safeParse({ destination: `U${'0'.repeat(32)}`, events: {} }).success).toBe(false);
  });
});

describe('nestsDeeperThan', () => {
  const deep = (levels: number) => Buffer.from(`${'['.repeat(levels)}${']'.repeat(levels)}`);

  it('counts arrays and objects, not brackets inside strings', () => {
    expect(nestsDeeperThan(deep(32), 32)).toBe(false);
    expect(nestsDeeperThan(deep(33), 32)).toBe(true);
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ a: '[[[[{{{{\\"[[[[' })), 2)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ a: [{ b: 'の[' }] })), 2)).toBe(true);
  });

  it('reads a 4,200-level body without recursion', () => {
    expect(nestsDeeperThan(deep(4200), 32)).toBe(true);
  });
});
