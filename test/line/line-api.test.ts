import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineApi, LineApiError } from '../../bot/line/line-api.ts';

/** A LINE that accepts the request and never answers; and one that starts a file and stalls. */
let silent: Server;
let stalling: Server;
let base: string;
let stallingBase: string;

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
});

afterAll(async () => {
  for (const server of [silent, stalling]) {
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
    expect((failure as LineApiError).status).toBeUndefined();
    expect((failure as Error).message).toMatch(/timed out/);
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
