/**
 * The LINE adapter on its own: each kind of webhook event (built as the console and the
 * tests build them, and checked against LINE's spec and ouen's webhook schema first)
 * becomes the action the turn pipeline runs; files come from the data API no larger than
 * asked; a reply resolves only when the answer is out.
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLineApi, type FakeLineStore } from '../../bot/console/fake-line-api.ts';
import {
  callbackBody, fileMessageEvent, followEvent, postbackEvent, textMessageEvent, unfollowEvent, unsendEvent, type WebhookEvent,
} from '../../bot/console/webhook-events.ts';
import { lineUserId, messageId, quoteToken, replyToken } from '../../bot/console/line-ids.ts';
import { lineAction } from '../../channels/line/inbound.ts';
import { LineApi, singleChannel } from '../../channels/line/line-api.ts';
import { LineAdapter } from '../../channels/line/line-adapter.ts';
import { validateEvent } from '../../channels/line/webhook.schema.ts';
import { createMetrics } from '../../core/metrics.ts';
import { validateLineWebhook } from '../support/line-spec.ts';
import { MINIMAL_PDF } from '../support/line-events.ts';

const user = lineUserId();
const now = Date.now();
/** This machine received the events a second after they happened. */
const receivedAt = new Date(now + 1000);

/** The event as the pipeline gets it: a body LINE could send, through the webhook's own check. */
function received(event: WebhookEvent) {
  expect(validateLineWebhook(callbackBody(`U${'0'.repeat(32)}`, event))).toEqual({ ok: true });
  const verdict = validateEvent(event);
  if (!verdict.ok) throw new Error(`not a valid event: ${verdict.reason}`);
  return { event: verdict.event, receivedAt };
}

describe('lineAction', () => {
  const token = replyToken();
  /** A reply token's age counts from the event's time, the earlier of the two clocks. */
  const reply = { replyTo: { token, at: new Date(now) }, replyToken: { token, at: new Date(now) } };

  it.each([
    ['a text message', () => textMessageEvent(user, now, token, { id: '100', text: '応募', quoteToken: quoteToken() }),
      { kind: 'turn', userId: user, ...reply, input: { type: 'text', text: '応募', messageId: '100' } }],
    ['a tapped choice (postback)', () => postbackEvent(user, now, token, { data: 'c:yes' }),
      { kind: 'turn', userId: user, ...reply, input: { type: 'choice', value: 'yes' } }],
    ['a postback that is not ours', () => postbackEvent(user, now, token, { data: 'x=1' }),
      { kind: 'turn', userId: user, ...reply, input: { type: 'unsupported', what: 'postback' } }],
    ['a date from the date picker (datetimepicker postback)', () => postbackEvent(user, now, token, { data: 'd', params: { date: '2024-04-01' } }),
      { kind: 'turn', userId: user, ...reply, input: { type: 'date', date: '2024-04-01' } }],
    ['a file: announced, fetched later by its message id', () => fileMessageEvent(user, now, token, { id: '200', fileName: 'plan.pdf', fileSize: 12 * 1024 * 1024 }),
      { kind: 'turn', userId: user, ...reply, input: { type: 'unsupported', what: 'file-pending' }, file: { messageId: '200', fileName: 'plan.pdf', sizeBytes: 12 * 1024 * 1024, source: '200' } }],
    ['a follow', () => followEvent(user, now, token, false),
      { kind: 'turn', userId: user, ...reply, input: { type: 'follow', returning: false }, reachable: true }],
    ['a follow after a block (returning)', () => followEvent(user, now, token, true),
      { kind: 'turn', userId: user, ...reply, input: { type: 'follow', returning: true }, reachable: true }],
    ['an unsend: a turn without a reply token', () => unsendEvent(user, now, '300'),
      { kind: 'turn', userId: user, input: { type: 'unsend', messageId: '300' } }],
    ['an unfollow (blocked)', () => unfollowEvent(user, now), { kind: 'unfollow', userId: user }],
    ['a standby event', () => ({ ...textMessageEvent(user, now, token, { id: '400', text: 'x', quoteToken: quoteToken() }), mode: 'standby' }),
      { kind: 'ignore', reason: 'standby' }],
    ['a message in a group chat', () => ({ ...textMessageEvent(user, now, token, { id: '600', text: 'x', quoteToken: quoteToken() }), source: { type: 'group', groupId: `C${'1'.repeat(32)}`, userId: user } }),
      { kind: 'ignore', reason: 'not-a-user-chat' }],
  ] as const)('translates %s', (_name, build, expected) => {
    expect(lineAction(received(build() as WebhookEvent))).toEqual(expected);
  });

  it('counts a reply token\'s age from this machine\'s clock when it received the event earlier than LINE says it happened', () => {
    const event = textMessageEvent(user, now, token, { id: '500', text: 'x', quoteToken: quoteToken() });
    const early = new Date(now - 5_000);
    expect(lineAction({ ...received(event), receivedAt: early })).toMatchObject({ replyTo: { token, at: early }, replyToken: { token, at: early } });
  });
});

describe('LineAdapter against the fake LINE platform', () => {
  let server: Server;
  let fake: FakeLineStore;
  let adapter: LineAdapter;
  const metrics = createMetrics();

  beforeAll(async () => {
    const api = createFakeLineApi({ channelAccessToken: 'token' });
    fake = api.store;
    server = createServer(express().use(api.router));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    adapter = new LineAdapter({ line: singleChannel(new LineApi({ channelAccessToken: 'token', apiBaseUrl: base, dataApiBaseUrl: base })), metrics, clock: () => new Date() });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const sent = (userId: string, bytes: Buffer) => {
    const id = messageId();
    fake.addFile({ messageId: id, userId, fileName: 'plan.pdf', contentType: 'application/pdf', bytes });
    return { messageId: id, fileName: 'plan.pdf', sizeBytes: bytes.length, source: id };
  };

  it('fetches a file whole when it is within the limit asked, and stops past it', async () => {
    const { userId } = fake.createUser({ displayName: 'テスト', language: 'ja' });
    const twelveMb = Buffer.concat([MINIMAL_PDF, Buffer.alloc(12 * 1024 * 1024 - MINIMAL_PDF.length)]);
    const file = sent(userId, twelveMb);
    const whole = await adapter.fetchFile(userId, file, 20 * 1024 * 1024);
    expect(Buffer.isBuffer(whole) && whole.equals(twelveMb)).toBe(true);
    expect(await adapter.fetchFile(userId, file, 10 * 1024 * 1024)).toBe('too-large');
  });

  it('says a file it cannot have is unavailable, without throwing', async () => {
    const { userId } = fake.createUser({ displayName: 'テスト', language: 'ja' });
    expect(await adapter.fetchFile(userId, { messageId: '1', fileName: 'plan.pdf', sizeBytes: 10, source: messageId() }, 1024)).toBe('unavailable');
  });

  it('replies with the token; a young token refused was used, so the answer is out; nothing to say sends nothing', async () => {
    const { userId } = fake.createUser({ displayName: 'テスト', language: 'ja' });
    const token = { token: fake.issueReplyToken(userId), at: new Date() };
    const hello = adapter.render([{ type: 'text', text: { literal: { ja: 'こんにちは', en: 'Hello' } } }], 'ja', {});
    const replies = () => fake.requests.filter((r) => r.path === '/v2/bot/message/reply').length;
    const before = replies();
    await adapter.reply(userId, token, []);
    expect(replies()).toBe(before);
    await adapter.reply(userId, token, hello);
    await adapter.reply(userId, token, hello);
    expect(replies()).toBe(before + 2);
    expect(fake.botMessages(userId)).toEqual([{ type: 'text', text: 'こんにちは' }]);
    await expect(adapter.reply(userId, { ...token, at: new Date(Date.now() - 120_000) }, hello)).rejects.toThrow();
  });
});
