import type { Server } from 'node:http';
import { validateSignature } from '@line/bot-sdk';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { consoleRouter } from '../../bot/console/console.route.ts';
import { createFakeLineApi, type FakeLineStore } from '../../bot/console/fake-line-api.ts';
import { validateLineWebhook } from '../support/line-spec.ts';

const SECRET = 'console-test-channel-secret';

interface Received {
  body: { destination: string; events: Array<Record<string, unknown>> };
  signatureValid: boolean;
}

describe('consoleRouter', () => {
  let server: Server;
  let base: string;
  let store: FakeLineStore;
  let received: Received[];
  let webhookStatus = 200;
  let router: express.Router;

  beforeAll(async () => {
    const app = express();
    // A stand-in for the bot's webhook route: checks the signature over the raw bytes.
    app.post('/webhooks/line', express.raw({ type: () => true }), (req, res) => {
      const raw = req.body as Buffer;
      received.push({ body: JSON.parse(raw.toString('utf8')), signatureValid: validateSignature(raw, SECRET, req.get('x-line-signature') ?? '') });
      res.status(webhookStatus).json({});
    });
    app.use((req, res, next) => router(req, res, next));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  beforeEach(() => {
    received = [];
    webhookStatus = 200;
    store = createFakeLineApi({ channelAccessToken: 'token' }).store;
    router = consoleRouter({ channelSecret: SECRET, webhookUrl: `${base}/webhooks/line`, store });
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${base}/console/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() as Record<string, unknown> };
  };
  const addUser = async () => (await post('/users', { displayName: '花子', language: 'ja' })).body.user as { userId: string };
  const events = () => received.flatMap((r) => r.body.events);

  it('serves the page and its assets with a policy that keeps it offline', async () => {
    const page = await fetch(`${base}/console`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ['console.js', 'console.css', 'dom.js', 'render-flex.js', 'render-message.js', 'transcript-view.js', 'api.js', 'date-picker.js']) {
      const response = await fetch(`${base}/console/assets/${asset}`);
      expect(response.status, asset).toBe(200);
      expect(await response.text(), asset).not.toMatch(/(src|href)=["']https?:|@import\s+url\(["']?https?:|fonts\.googleapis/);
    }
  });

  it('creates a LINE-like user and sends a follow event with a reply token', async () => {
    const { status, body } = await post('/users', { displayName: '花子', language: 'ja' });
    expect(status).toBe(201);
    expect(body).toMatchObject({ user: { userId: expect.stringMatching(/^U[0-9a-f]{32}$/), displayName: '花子', language: 'ja', blocked: false }, webhookStatus: 200 });
    expect(events()).toEqual([expect.objectContaining({
      type: 'follow', mode: 'active', replyToken: expect.stringMatching(/^[0-9a-f]{32}$/), follow: { isUnblocked: false },
      webhookEventId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/), deliveryContext: { isRedelivery: false },
    })]);
    expect(received[0]!.body.destination).toBe(store.botUserId);
  });

  it('builds signed, spec-valid webhooks for every kind of action', async () => {
    const { userId } = await addUser();
    await post(`/users/${userId}/text`, { text: 'こんにちは\n二行目' });
    await post(`/users/${userId}/postback`, { data: 'c:yes', displayText: 'はい' });
    await post(`/users/${userId}/postback`, { data: 'd', params: { date: '2024-04-01' } });
    const file = await post(`/users/${userId}/file`, { fileName: '計画書.pdf', base64: Buffer.from('%PDF-1.4\n').toString('base64') });
    await post(`/users/${userId}/unsend`, { messageId: (file.body.entry as { messageId: string }).messageId });
    await post(`/users/${userId}/blocked`, { blocked: true });
    await post(`/users/${userId}/blocked`, { blocked: false });

    expect(events().map((e) => e.type)).toEqual(['follow', 'message', 'postback', 'postback', 'message', 'unsend', 'unfollow', 'follow']);
    expect(events()[1]).toMatchObject({ message: { type: 'text', text: 'こんにちは\n二行目', id: expect.stringMatching(/^\d{18}$/), quoteToken: expect.any(String) } });
    expect(events()[3]).toMatchObject({ postback: { data: 'd', params: { date: '2024-04-01' } } });
    expect(events()[4]).toMatchObject({ message: { type: 'file', fileName: '計画書.pdf', fileSize: 9 } });
    expect(events()[6]).not.toHaveProperty('replyToken');
    expect(events()[7]).toMatchObject({ follow: { isUnblocked: true } });
    for (const request of received) {
      expect(request.signatureValid).toBe(true);
      expect(validateLineWebhook(request.body)).toEqual({ ok: true });
    }
    expect(store.webhooks.map((w) => w.status)).toEqual(Array(8).fill(200));
  });

  it('keeps a sent file for the data API until it is unsent', async () => {
    const { userId } = await addUser();
    const bytes = Buffer.from('%PDF-1.4\nhello');
    const { body } = await post(`/users/${userId}/file`, { fileName: 'plan.pdf', base64: bytes.toString('base64') });
    const messageId = (body.entry as { messageId: string }).messageId;
    expect(store.file(messageId)).toMatchObject({ contentType: 'application/pdf', bytes });
    await post(`/users/${userId}/unsend`, { messageId });
    expect(store.file(messageId)).toBeUndefined();
  });

  it('reports the status the webhook answered', async () => {
    const { userId } = await addUser();
    webhookStatus = 500;
    expect((await post(`/users/${userId}/text`, { text: 'x' })).body.webhookStatus).toBe(500);
  });

  it.each([
    ['/users', { displayName: '', language: 'ja' }, /displayName/],
    ['/users', { displayName: '花子', language: 'fr' }, /language/],
    ['/users/{id}/text', { text: '' }, /text: the message is empty/],
    ['/users/{id}/text', { text: 'あ'.repeat(5001) }, /5000/],
    ['/users/{id}/postback', { data: 'x'.repeat(301) }, /300/],
    ['/users/{id}/postback', { data: 'd', params: { date: '1 April' } }, /params\.date: expected YYYY-MM-DD/],
    ['/users/{id}/file', { fileName: '../etc/passwd', base64: 'AAAA' }, /fileName/],
    ['/users/{id}/file', { fileName: 'a.pdf', base64: 'not base64!' }, /base64/],
    ['/users/{id}/unsend', { messageId: 'abc' }, /messageId/],
    ['/users/{id}/blocked', { blocked: 'yes' }, /blocked/],
  ])('answers 400 with a clear message for bad input to %s', async (path, input, message) => {
    const { userId } = await addUser();
    const { status, body } = await post(path.replace('{id}', userId), input);
    expect(status).toBe(400);
    expect(body.message).toMatch(message);
  });

  it('answers 404 for an unknown user and 409 while the user blocks the bot', async () => {
    expect((await post(`/users/U${'0'.repeat(32)}/text`, { text: 'x' })).status).toBe(404);
    expect((await post('/users/not-an-id/text', { text: 'x' })).status).toBe(400);
    const { userId } = await addUser();
    await post(`/users/${userId}/blocked`, { blocked: true });
    expect((await post(`/users/${userId}/text`, { text: 'x' })).status).toBe(409);
  });

  it('refuses to unsend what the user did not send', async () => {
    const { userId } = await addUser();
    expect((await post(`/users/${userId}/unsend`, { messageId: '123' })).status).toBe(404);
  });

  it('returns the transcript after a sequence number', async () => {
    const { userId } = await addUser();
    await post(`/users/${userId}/text`, { text: 'one' });
    const all = await (await fetch(`${base}/console/api/users/${userId}/transcript`)).json() as { entries: Array<{ seq: number }>; lastSeq: number };
    expect(all.entries.map((e) => e.seq)).toEqual([1, 2]);
    const after = await (await fetch(`${base}/console/api/users/${userId}/transcript?after=1`)).json() as { entries: Array<{ kind: string }> };
    expect(after.entries).toEqual([expect.objectContaining({ kind: 'text', text: 'one', from: 'user' })]);
  });
});
