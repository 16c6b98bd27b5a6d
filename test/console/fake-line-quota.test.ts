import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeLineApi, FakeLineStore } from '../../bot/console/fake-line-api.ts';
import { LineApi } from '../../channels/line/line-api.ts';
import { validateLineRequest, validateLineSchema } from '../support/line-spec.ts';

const TOKEN = 'test-channel-access-token';

describe('the fake LINE API: the month\'s quota and consumption', () => {
  let now = Date.parse('2026-11-30T10:00:00Z');
  let store: FakeLineStore;
  let server: Server;
  let base: string;
  let router: express.Router;

  beforeAll(async () => {
    const app = express();
    app.use((req, res, next) => router(req, res, next));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  beforeEach(() => {
    now = Date.parse('2026-11-30T10:00:00Z');
    store = new FakeLineStore({ now: () => now });
    router = createFakeLineApi({ channelAccessToken: TOKEN, store }).router;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = async (path: string) => {
    expect(validateLineRequest('GET', path)).toEqual({ ok: true });
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: response.status, body: await response.json() as unknown };
  };
  const push = (to: string) => fetch(`${base}/v2/bot/message/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'x-line-retry-key': randomUUID() },
    body: JSON.stringify({ to, messages: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }),
  });

  it('reports no target limit until one is configured, then the configured one, as the spec\'s MessageQuotaResponse', async () => {
    const none = await get('/v2/bot/message/quota');
    expect(none).toEqual({ status: 200, body: { type: 'none' } });
    expect(validateLineSchema('MessageQuotaResponse', none.body)).toEqual({ ok: true });
    store.setMessageQuota(200);
    const limited = await get('/v2/bot/message/quota');
    expect(limited).toEqual({ status: 200, body: { type: 'limited', value: 200 } });
    expect(validateLineSchema('MessageQuotaResponse', limited.body)).toEqual({ ok: true });
  });

  it('counts one billed message per delivered push recipient (whatever the bubbles), none for a blocked user, per month in Japan time', async () => {
    const hanako = store.createUser({ displayName: '花子', language: 'ja' }).userId;
    const taro = store.createUser({ displayName: '太郎', language: 'ja' }).userId;
    store.setBlocked(taro, true);
    expect((await push(hanako)).status).toBe(200);
    expect((await push(hanako)).status).toBe(200);
    expect((await push(taro)).status).toBe(200);
    const used = await get('/v2/bot/message/quota/consumption');
    expect(used).toEqual({ status: 200, body: { totalUsage: 2 } });
    expect(validateLineSchema('QuotaConsumptionResponse', used.body)).toEqual({ ok: true });
    // 2026-12-01 00:00 in Japan: a new month.
    now = Date.parse('2026-11-30T15:00:00Z');
    expect((await get('/v2/bot/message/quota/consumption')).body).toEqual({ totalUsage: 0 });
  });

  it('answers the SDK the bot uses (LineApi.messageQuota)', async () => {
    store.setMessageQuota(5000);
    const hanako = store.createUser({ displayName: '花子', language: 'ja' }).userId;
    await push(hanako);
    const api = new LineApi({ channelAccessToken: TOKEN, apiBaseUrl: base, dataApiBaseUrl: base });
    expect(await api.messageQuota()).toEqual({ limit: 5000, used: 1 });
    store.setMessageQuota(null);
    expect(await api.messageQuota()).toEqual({ limit: null, used: 1 });
  });

  it('asks for the channel access token like every endpoint', async () => {
    const response = await fetch(`${base}/v2/bot/message/quota`);
    expect(response.status).toBe(401);
  });
});
