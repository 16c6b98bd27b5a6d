import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { messagingApi } from '@line/bot-sdk';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeLineApi, FakeLineStore } from '../../bot/console/fake-line-api.ts';
import { REPLY_TOKEN_TTL_MS } from '../../bot/console/fake-line-store.ts';
import { validateLineRequest } from '../support/line-spec.ts';

const TOKEN = 'test-channel-access-token';

describe('createFakeLineApi', () => {
  let now = Date.parse('2026-11-01T00:00:00Z');
  let store: FakeLineStore;
  let server: Server;
  let base: string;
  let userId: string;

  let router: express.Router;

  beforeAll(async () => {
    const app = express();
    // One server for the file; each test gets a fresh fake (and store) behind it.
    app.use('/__line', (req, res, next) => router(req, res, next));
    app.use((req, res, next) => router(req, res, next));
    app.get('/other', (_req, res) => void res.send('other'));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  beforeEach(() => {
    store = new FakeLineStore({ now: () => now });
    router = createFakeLineApi({ channelAccessToken: TOKEN, store }).router;
    userId = store.createUser({ displayName: '花子', language: 'ja' }).userId;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = (value: string) => ({ type: 'text', text: value });

  describe('authentication', () => {
    it.each([
      ['no Authorization header', {}],
      ['a wrong token', { authorization: 'Bearer nope' }],
      ['a token without the Bearer scheme', { authorization: TOKEN }],
    ])('answers 401 for %s', async (_name, headers) => {
      const response = await fetch(`${base}/v2/bot/profile/${userId}`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: expect.stringMatching(/^Authentication failed/) });
    });

    it('leaves paths outside /v2 alone, so it can be mounted at the root', async () => {
      const response = await fetch(`${base}/other`);
      expect(await response.text()).toBe('other');
    });

    it('works under a path prefix too', async () => {
      const response = await call('GET', `/__line/v2/bot/profile/${userId}`);
      expect(response.status).toBe(200);
    });
  });

  describe('POST /v2/bot/message/reply', () => {
    it('delivers to the user the token was issued for and returns sent message ids', async () => {
      const replyToken = store.issueReplyToken(userId);
      const response = await call('POST', '/v2/bot/message/reply', { replyToken, messages: [text('こんにちは'), text('二通目')] });
      expect(response.status).toBe(200);
      const body = await response.json() as { sentMessages: Array<{ id: string; quoteToken?: string }> };
      expect(body.sentMessages).toEqual([
        { id: expect.stringMatching(/^\d{18}$/), quoteToken: expect.any(String) },
        { id: expect.stringMatching(/^\d{18}$/), quoteToken: expect.any(String) },
      ]);
      expect(store.botMessages(userId)).toEqual([text('こんにちは'), text('二通目')]);
    });

    it('accepts a reply token only once', async () => {
      const replyToken = store.issueReplyToken(userId);
      expect((await call('POST', '/v2/bot/message/reply', { replyToken, messages: [text('1')] })).status).toBe(200);
      const again = await call('POST', '/v2/bot/message/reply', { replyToken, messages: [text('2')] });
      expect(again.status).toBe(400);
      expect(await again.json()).toEqual({ message: 'Invalid reply token' });
      expect(store.botMessages(userId)).toEqual([text('1')]);
    });

    it('refuses a token it never issued', async () => {
      const response = await call('POST', '/v2/bot/message/reply', { replyToken: 'f'.repeat(32), messages: [text('x')] });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ message: 'Invalid reply token' });
    });

    it('refuses a token older than a minute', async () => {
      const replyToken = store.issueReplyToken(userId);
      now += REPLY_TOKEN_TTL_MS + 1;
      const response = await call('POST', '/v2/bot/message/reply', { replyToken, messages: [text('late')] });
      expect(response.status).toBe(400);
      expect(store.botMessages(userId)).toEqual([]);
    });

    it('does not spend the token on a request it rejects', async () => {
      const replyToken = store.issueReplyToken(userId);
      expect((await call('POST', '/v2/bot/message/reply', { replyToken, messages: [] })).status).toBe(400);
      expect((await call('POST', '/v2/bot/message/reply', { replyToken, messages: [text('ok')] })).status).toBe(200);
    });
  });

  describe('message validation', () => {
    const quickReply = (count: number, action: Record<string, unknown> = { type: 'postback', label: 'はい', data: 'c:yes' }) =>
      ({ ...text('choose'), quickReply: { items: Array.from({ length: count }, () => ({ type: 'action', action })) } });
    const flexWith = (action: Record<string, unknown>) => ({
      type: 'flex', altText: 'card',
      contents: { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'button', action }] } },
    });

    it.each([
      ['no messages', undefined, 'messages', 'must be specified'],
      ['an empty list', [], 'messages', 'Size must be between 1 and 5'],
      ['six messages', Array.from({ length: 6 }, () => text('x')), 'messages', 'Size must be between 1 and 5'],
      ['an unknown type', [{ type: 'html', text: 'x' }], 'messages[0].type', 'Must be one of the following values'],
      ['a text without text', [{ type: 'text' }], 'messages[0].text', 'May not be empty'],
      ['a text of 5001 characters', [text('あ'.repeat(5001))], 'messages[0].text', 'Length must be between 0 and 5000'],
      ['14 quick reply items', [quickReply(14)], 'messages[0].quickReply.items', 'Size must be between 0 and 13'],
      ['a 21-character quick reply label', [quickReply(1, { type: 'postback', label: 'あ'.repeat(21), data: 'x' })],
        'messages[0].quickReply.items[0].action.label', 'Length must be between 0 and 20'],
      ['301 characters of postback data', [quickReply(1, { type: 'postback', label: 'x', data: 'd'.repeat(301) })],
        'messages[0].quickReply.items[0].action.data', 'Length must be between 0 and 300'],
      ['a date picker without a mode', [quickReply(1, { type: 'datetimepicker', label: '日付', data: 'd' })],
        'messages[0].quickReply.items[0].action.mode', 'Must be one of the following values'],
      ['a flex button with 301 characters of data', [flexWith({ type: 'postback', label: 'x', data: 'd'.repeat(301) })],
        'messages[0].contents.body.contents[0].action.data', 'Length must be between 0 and 300'],
      ['a flex message without altText', [{ ...flexWith({ type: 'postback', label: 'x', data: 'd' }), altText: undefined }],
        'messages[0].altText', 'May not be empty'],
    ])('answers 400 with details for %s', async (_name, messages, property, message) => {
      const response = await call('POST', '/v2/bot/message/push', { to: userId, messages });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        message: expect.stringMatching(/^The request body has \d+ error\(s\)$/),
        details: expect.arrayContaining([{ property, message: expect.stringContaining(message) }]),
      });
      expect(store.botMessages(userId)).toEqual([]);
    });

    it('accepts 13 quick reply items with 20-character labels and 300 characters of data', async () => {
      const response = await call('POST', '/v2/bot/message/push', {
        to: userId, messages: [quickReply(13, { type: 'postback', label: 'あ'.repeat(20), data: 'd'.repeat(300) })],
      });
      expect(response.status).toBe(200);
    });
  });

  describe('POST /v2/bot/message/push', () => {
    it('sends once per retry key; a repeat answers 409 with the accepted request id and sends nothing', async () => {
      const key = randomUUID();
      const first = await call('POST', '/v2/bot/message/push', { to: userId, messages: [text('一度だけ')] }, { 'x-line-retry-key': key });
      expect(first.status).toBe(200);
      const requestId = first.headers.get('x-line-request-id');
      const firstBody = await first.json() as { sentMessages: unknown[] };

      const repeat = await call('POST', '/v2/bot/message/push', { to: userId, messages: [text('一度だけ')] }, { 'x-line-retry-key': key });
      expect(repeat.status).toBe(409);
      expect(repeat.headers.get('x-line-accepted-request-id')).toBe(requestId);
      expect(await repeat.json()).toEqual({ message: expect.any(String), sentMessages: firstBody.sentMessages });
      expect(store.botMessages(userId)).toEqual([text('一度だけ')]);
    });

    it('refuses a retry key that is not a UUID', async () => {
      const response = await call('POST', '/v2/bot/message/push', { to: userId, messages: [text('x')] }, { 'x-line-retry-key': 'retry-1' });
      expect(response.status).toBe(400);
      expect(store.botMessages(userId)).toEqual([]);
    });

    it('answers 200 for a user who blocked the account but delivers nothing', async () => {
      store.setBlocked(userId, true);
      const response = await call('POST', '/v2/bot/message/push', { to: userId, messages: [text('届かない')] });
      expect(response.status).toBe(200);
      expect(store.botMessages(userId)).toEqual([]);
    });

    it('refuses a malformed or unknown recipient', async () => {
      expect((await call('POST', '/v2/bot/message/push', { to: 'nobody', messages: [text('x')] })).status).toBe(400);
      expect((await call('POST', '/v2/bot/message/push', { to: `U${'0'.repeat(32)}`, messages: [text('x')] })).status).toBe(400);
    });
  });

  describe('POST /v2/bot/chat/loading/start', () => {
    it('shows the indicator until the bot sends a message', async () => {
      const response = await call('POST', '/v2/bot/chat/loading/start', { chatId: userId, loadingSeconds: 10 });
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({});
      expect(store.isLoading(userId)).toBe(true);
      await call('POST', '/v2/bot/message/push', { to: userId, messages: [text('done')] });
      expect(store.isLoading(userId)).toBe(false);
    });

    it('turns the indicator off when the seconds are up', async () => {
      await call('POST', '/v2/bot/chat/loading/start', { chatId: userId, loadingSeconds: 5 });
      now += 5_001;
      expect(store.isLoading(userId)).toBe(false);
    });

    it.each([[3], [7], [65], ['10']])('refuses loadingSeconds %j', async (loadingSeconds) => {
      const response = await call('POST', '/v2/bot/chat/loading/start', { chatId: userId, loadingSeconds });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ details: [{ property: 'loadingSeconds' }] });
    });
  });

  describe('GET /v2/bot/profile/{userId}', () => {
    it('returns the console user', async () => {
      const response = await call('GET', `/v2/bot/profile/${userId}`);
      expect(await response.json()).toEqual({ userId, displayName: '花子', language: 'ja' });
    });

    it('answers 404 for strangers and for users who blocked the account', async () => {
      expect((await call('GET', `/v2/bot/profile/U${'1'.repeat(32)}`)).status).toBe(404);
      store.setBlocked(userId, true);
      expect((await call('GET', `/v2/bot/profile/${userId}`)).status).toBe(404);
    });
  });

  describe('GET /v2/bot/message/{messageId}/content', () => {
    it('returns the bytes the user sent with their content type', async () => {
      const bytes = Buffer.from('%PDF-1.4\n%test\n');
      store.addFile({ messageId: '123456789012345678', userId, fileName: 'plan.pdf', contentType: 'application/pdf', bytes });
      const response = await call('GET', '/v2/bot/message/123456789012345678/content');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
    });

    it('answers 404 for content it does not have', async () => {
      expect((await call('GET', '/v2/bot/message/999/content')).status).toBe(404);
    });
  });

  describe('through @line/bot-sdk', () => {
    it('serves the official client, and records requests that validate against the spec', async () => {
      const client = new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: base });
      const replyToken = store.issueReplyToken(userId);
      await client.replyMessage({ replyToken, messages: [{ type: 'text', text: 'reply', quickReply: { items: [{ type: 'action', action: { type: 'datetimepicker', label: '日付', data: 'd', mode: 'date' } }] } }] });
      await client.pushMessage({ to: userId, messages: [{ type: 'text', text: 'push' }] }, randomUUID());
      await client.showLoadingAnimation({ chatId: userId, loadingSeconds: 5 });
      expect(await client.getProfile(userId)).toMatchObject({ userId, displayName: '花子' });

      expect(store.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        'POST /v2/bot/message/reply 200',
        'POST /v2/bot/message/push 200',
        'POST /v2/bot/chat/loading/start 202',
        `GET /v2/bot/profile/${userId} 200`,
      ]);
      expect(store.requests.every((r) => r.authorized)).toBe(true);
      expect(store.requests[1]!.headers['x-line-retry-key']).toMatch(/^[0-9a-f-]{36}$/);
      for (const request of store.requests) {
        expect(validateLineRequest(request.method, request.path, request.body)).toEqual({ ok: true });
      }
    });
  });
  describe('multicast', () => {
    it('delivers the same messages to every user named, once per retry key (a repeat answers 409 as LINE does)', async () => {
      const other = store.createUser({ displayName: '太郎', language: 'en' }).userId;
      const body = { to: [userId, other], messages: [text('お知らせ')] };
      expect(validateLineRequest('POST', '/v2/bot/message/multicast', body)).toEqual({ ok: true });
      const key = randomUUID();
      const first = await call('POST', '/v2/bot/message/multicast', body, { 'x-line-retry-key': key });
      expect([first.status, await first.json()]).toEqual([200, {}]);
      const again = await call('POST', '/v2/bot/message/multicast', body, { 'x-line-retry-key': key });
      expect(again.status).toBe(409);
      expect(await again.json()).toEqual({ message: 'The retry key is already accepted' });
      expect(again.headers.get('x-line-accepted-request-id')).toBe(first.headers.get('x-line-request-id'));
      expect(store.botMessages(userId)).toEqual([text('お知らせ')]);
      expect(store.botMessages(other)).toEqual([text('お知らせ')]);
      expect(store.transcript(userId).map((e) => e.from === 'bot' && e.via)).toEqual(['multicast']);
    });

    it('refuses more than 500 recipients or more than 5 messages, as the spec does', async () => {
      const tooMany = { to: Array.from({ length: 501 }, () => userId), messages: [text('x')] };
      const tooLong = { to: [userId], messages: Array.from({ length: 6 }, () => text('x')) };
      for (const body of [tooMany, tooLong]) {
        expect(validateLineRequest('POST', '/v2/bot/message/multicast', body).ok).toBe(false);
        expect((await call('POST', '/v2/bot/message/multicast', body)).status).toBe(400);
      }
      expect(store.botMessages(userId)).toEqual([]);
    });
  });

  describe('rate limits (when enforced)', () => {
    it('answers requests over an endpoint\'s limit a second with 429, and lets them through as time passes', async () => {
      store.enforceRateLimits({ push: 2, multicast: 1 });
      const push = () => call('POST', '/v2/bot/message/push', { to: userId, messages: [text('x')] });
      expect([(await push()).status, (await push()).status]).toEqual([200, 200]);
      const refused = await push();
      expect(refused.status).toBe(429);
      expect(await refused.json()).toEqual({ message: 'The API rate limit has been exceeded. Try again later.' });
      // Each endpoint has its own bucket.
      expect((await call('POST', '/v2/bot/message/multicast', { to: [userId], messages: [text('x')] })).status).toBe(200);
      now += 1000;
      expect((await push()).status).toBe(200);
      expect(store.rateLimits.refused.push).toBe(1);
    });
  });
});
