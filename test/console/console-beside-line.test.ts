import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_BESIDE_LINE_WARNING } from '../../bot/app.ts';
import { startHarness, type Harness } from '../support/ouen-harness.ts';
import { captureLogs } from '../support/capture-logs.ts';

/** `OUEN_CONSOLE=1` beside real LINE credentials: the server listens everywhere, the console must not. */
describe('the console beside real LINE credentials', () => {
  let h: Harness;
  const logs = captureLogs();

  beforeAll(async () => {
    h = await startHarness({ env: { OUEN_CONSOLE: '1', OUEN_PUBLIC_URL: 'https://bot.example.jp' }, logger: logs.logger('warn'), worker: false });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}, host = '127.0.0.1') => new Promise<number>((resolve, reject) => {
    request({ host, port: h.ouen.port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on('error', reject).end();
  });

  it('warns at start that console users are written into the real database', () => {
    expect(logs.records).toContainEqual(expect.objectContaining({ level: 40, msg: CONSOLE_BESIDE_LINE_WARNING }));
    expect(CONSOLE_BESIDE_LINE_WARNING).toContain('real database');
  });

  it('serves the console to this machine, but not through a proxy, and not to another machine', async () => {
    expect(h.ouen.host).toBe('0.0.0.0');
    expect(await get('/console')).toBe(200);
    expect(await get('/console', { 'x-forwarded-for': '203.0.113.7' })).toBe(403);
    expect(await get('/console', { forwarded: 'for=203.0.113.7' })).toBe(403);
    expect(await get('/console', { host: 'ouen.example.jp' })).toBe(403);
    const outward = Object.values(networkInterfaces()).flat().find((address) => address && address.family === 'IPv4' && !address.internal);
    if (outward) {
      // Another machine's view: the peer address is not loopback (the webhook still answers it).
      expect(await get('/console', { host: `localhost:${h.ouen.port}` }, outward.address)).toBe(403);
      expect(await get('/healthz', {}, outward.address)).toBe(200);
    }
  });

  it('says where the console answers: this machine, not the public address LINE reaches', async () => {
    expect(h.ouen.consoleUrl).toBe(`http://localhost:${h.ouen.port}/console`);
    expect(await get('/console', { host: `localhost:${h.ouen.port}` })).toBe(200);
    expect(await get('/console', { host: 'bot.example.jp' })).toBe(403);
  });

  it('serves no staff panel', async () => {
    expect(await get('/console/api/staff/roster')).toBe(404);
  });
});
