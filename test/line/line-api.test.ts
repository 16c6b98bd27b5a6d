import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLineApi, type FakeLineStore } from '../../bot/console/fake-line-api.ts';
import { LineApi, LineApiError, ReplyTokenRefusedError } from '../../channels/line/line-api.ts';
import { errorFields } from '../../core/error-fields.ts';

/** A LINE that accepts the request and never answers; and one that starts a file and stalls. */
let silent: Server;
let stalling: Server;
let base: string;
let stallingBase: string;
/** The fake LINE platform, which answers as LINE's spec says (400 "Invalid reply token" for a used or expired token). */
let fakeLine: Server;
let fake: FakeLineStore;
let lineApi: LineApi;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

beforeAll(async () => {
  silent = createServer(() => undefined);
  base = await listen(silent);
  stalling = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/pdf' });
    res.write('%PDF-1.4 first bytes, then nothing');
  });
  stallingBase = await listen(stalling);
  const api = createFakeLineApi({ channelAccessToken: 'token' });
  fake = api.store;
  fakeLine = createServer(express().use(api.router));
  const fakeBase = await listen(fakeLine);
  lineApi = new LineApi({ channelAccessToken: 'token', apiBaseUrl: fakeBase, dataApiBaseUrl: fakeBase });
});

afterAll(async () => {
  for (const server of [silent, stalling, fakeLine]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('LineApi against a LINE that does not answer', () => {
  const api = () => new LineApi({ channelAccessToken: 'token', apiBaseUrl: base, dataApiBaseUrl: base, timeoutMs: 200 });

  it('gives up on a reply after its timeout, so the answer can be pushed instead', async () => {
    const started = Date.now();
    const failure = await api().reply('token', [{ type: 'text', text: 'hi' }]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LineApiError);
    expect(errorFields(failure)).toEqual({ class: 'LineApiError', code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives up on pushes, loading indicators and file downloads the same way', async () => {
    const calls = [
      api().push('U1', [{ type: 'text', text: 'hi' }], '00000000-0000-4000-8000-000000000000'),
      api().showLoading('U1'),
      api().fetchContent('m1', 1024),
    ];
    for (const call of calls) await expect(call).rejects.toThrow(/timed out/);
  });

  it('gives up on a file whose download starts and then stalls', async () => {
    const api = new LineApi({ channelAccessToken: 'token', apiBaseUrl: stallingBase, dataApiBaseUrl: stallingBase, timeoutMs: 300 });
    await expect(api.fetchContent('m1', 10 * 1024 * 1024)).rejects.toThrow(/timed out/);
  });
});

describe('LineApi reading LINE\'s refusals', () => {
  const hello = [{ type: 'text' as const, text: 'こんにちは' }];

  it('throws ReplyTokenRefusedError for a reply token used before, and for one LINE never issued (or that expired)', async () => {
    const { userId } = fake.createUser({ displayName: 'テスト', language: 'ja' });
    const token = fake.issueReplyToken(userId);
    await lineApi.reply(token, hello);
    for (const refused of [token, 'nEvErIsSuEd0123456789abcdef']) {
      const failure = await lineApi.reply(refused, hello).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ReplyTokenRefusedError);
      expect(errorFields(failure)).toEqual({ class: 'ReplyTokenRefusedError', status: 400 });
    }
    expect(fake.requests.filter((r) => r.path === '/v2/bot/message/reply').map((r) => r.status)).toEqual([200, 400, 400]);
  });

  it('keeps any other 400 of a reply a plain LineApiError, so it is never taken for a used token', async () => {
    const { userId } = fake.createUser({ displayName: 'テスト', language: 'ja' });
    const token = fake.issueReplyToken(userId);
    const failure = await lineApi.reply(token, [{ type: 'text', text: '' }]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LineApiError);
    expect(failure).not.toBeInstanceOf(ReplyTokenRefusedError);
    expect((failure as LineApiError).status).toBe(400);
  });

  it('keeps a push\'s 400 a plain LineApiError too', async () => {
    const { userId } = fake.createUser({ displayName: 'テスト', language: 'ja' });
    fake.failNextPushes({ status: 400 });
    const failure = await lineApi.push(userId, hello, '00000000-0000-4000-8000-000000000001').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LineApiError);
    expect(failure).not.toBeInstanceOf(ReplyTokenRefusedError);
    expect(errorFields(failure)).toEqual({ class: 'LineApiError', status: 400 });
  });
});
