/**
 * The admins' queue dashboard (/admin/queues), browser-free: with OUEN_ADMIN_TOKEN it
 * answers only with that credential (Basic or Bearer); in production without it it is
 * not there at all; in local mode without it, it answers this machine only.
 */
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presentedToken, sameToken } from '../../bot/http/admin-auth.ts';
import { startOuen, type RunningOuen } from '../../cli/start-ouen.ts';
import { parseEnv } from '../../core/env.ts';
import { freePort } from '../../core/free-port.ts';
import { createLogger } from '../../core/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { obliterateQueue, startHarness, type Harness } from '../support/ouen-harness.ts';
import { scratchDir } from '../support/scratch-dir.ts';
import { OUEN_QUEUES } from '../../runtime/queues.ts';

const TOKEN = randomBytes(24).toString('base64url');
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A request to `address` (this machine's own, or its network address), as a program sends it. */
function get(address: string, port: number, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: address, port, path, method, headers: { host: `${address}:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the admin credential', () => {
  it('is read from Basic (any user, the token as password) and from Bearer', () => {
    expect(presentedToken(basic('admin', TOKEN))).toBe(TOKEN);
    expect(presentedToken(basic('', 'a:b'))).toBe('a:b');
    expect(presentedToken(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(presentedToken(`Token ${TOKEN}`)).toBeUndefined();
    expect(presentedToken(undefined)).toBeUndefined();
  });

  it('matches only the same token, whatever the length of a wrong one', () => {
    expect(sameToken(TOKEN, TOKEN)).toBe(true);
    expect(sameToken(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(sameToken(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(sameToken(`${TOKEN.slice(0, -1)}${TOKEN.endsWith('A') ? 'B' : 'A'}`, TOKEN)).toBe(false);
  });
});

describe('the queue dashboard with OUEN_ADMIN_TOKEN', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ worker: false, env: { OUEN_ADMIN_TOKEN: TOKEN } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });
  const at = (path: string, headers?: Record<string, string>, method?: string) => get('127.0.0.1', h.ouen.port, path, headers, method);

  it('asks for the credential without one, or with a wrong one', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: basic('admin', 'wrong') }, { authorization: `Bearer ${TOKEN}x` }, { authorization: basic('admin', TOKEN.slice(1)) }]) {
      for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
        const answer = await at(path, headers);
        expect(answer.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(answer.headers['www-authenticate']).toMatch(/^Basic realm="ouen queues"/);
        expect(answer.body).not.toContain('outbox');
      }
    }
  });

  it('opens with the credential, as Basic or Bearer, and lists ouen\'s queues', async () => {
    const page = await at('/admin/queues', { authorization: basic('admin', TOKEN) });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    // The page's scripts, under the same guard.
    const script = /src="(static\/js\/main[^"]+)"/.exec(page.body)![1]!;
    expect((await at(`/admin/queues/${script}`, { authorization: basic('admin', TOKEN) })).status).toBe(200);
    expect((await at(`/admin/queues/${script}`)).status).toBe(401);
    const api = await at('/admin/queues/api/queues', { authorization: `Bearer ${TOKEN}` });
    expect(api.status).toBe(200);
    expect((JSON.parse(api.body) as { queues: Array<{ name: string }> }).queues.map((q) => q.name)).toContain('outbox');
  });

  it('refuses a change another site makes a logged-in browser send', async () => {
    const answer = await at('/admin/queues/api/queues/outbox/pause', { authorization: basic('admin', TOKEN), origin: 'https://evil.example' }, 'PUT');
    expect(answer.status).toBe(403);
  });
});

describe('the queue dashboard in production without OUEN_ADMIN_TOKEN', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ worker: false });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('is not there at all', async () => {
    for (const authorization of [undefined, basic('admin', ''), 'Bearer x']) {
      const answer = await get('127.0.0.1', h.ouen.port, '/admin/queues/api/queues', authorization ? { authorization } : {});
      expect(answer.status).toBe(404);
    }
    expect((await get('127.0.0.1', h.ouen.port, '/admin/queues')).status).toBe(404);
  });

  it('still serves the queues\' metrics, read from Redis, on /metrics', async () => {
    const metrics = await get('127.0.0.1', h.ouen.port, '/metrics');
    expect(metrics.status).toBe(200);
    // Every queue is there, counted from Redis (the dispatcher's own scheduled job may be waiting).
    for (const queue of OUEN_QUEUES) expect(metrics.body).toMatch(new RegExp(`^ouen_queue_jobs\\{queue="${queue}",state="waiting"\\} \\d+$`, 'm'));
    expect(metrics.body).toMatch(/^ouen_queue_metrics_up 1$/m);
  });
});

/** This machine's address on its network (this machine type has one: eth0). */
const outward = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

describe.skipIf(!outward)('the queue dashboard in local mode without OUEN_ADMIN_TOKEN, listening on the network', () => {
  let db: TestDatabase;
  let ouen: RunningOuen;
  const prefix = `ouen-test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    const port = await freePort('0.0.0.0');
    const env = parseEnv({
      PORT: String(port), OUEN_HOST: '0.0.0.0', DATABASE_URL: db.connectionString, OUEN_DATA_DIR: await scratchDir('ouen-dashboard-'),
      OUEN_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent',
    });
    ouen = await startOuen({ env, web: true, worker: false, logger: createLogger('silent') });
  }, 60_000);

  afterAll(async () => {
    await ouen?.close();
    await db?.drop();
    await obliterateQueue('redis://127.0.0.1:6379', prefix);
  });

  it('answers this machine', async () => {
    const api = await get('127.0.0.1', ouen.port, '/admin/queues/api/queues');
    expect(api.status).toBe(200);
    expect(api.body).toContain('outbox');
  });

  it('refuses another machine, whatever Host it names', async () => {
    for (const host of [`${outward}:${ouen.port}`, `localhost:${ouen.port}`]) {
      const answer = await get(outward!, ouen.port, '/admin/queues/api/queues', { host });
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('not from this machine');
    }
  });
});
