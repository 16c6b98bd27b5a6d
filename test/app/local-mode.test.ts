import { readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOuen, type RunningOuen } from '../../cli/start-ouen.ts';
import { choosePort } from '../../bot/http/listen.ts';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { sqlClient } from '../../core/db/pg-transaction.ts';
import { createSqlPool } from '../../core/db/sql-pool.ts';
import { parseEnv } from '../../core/env.ts';
import { createLogger } from '../../core/logger.ts';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { OutboxQueue } from '../../runtime/outbox-queue.ts';
import { eventually, obliterateQueue } from '../support/ouen-harness.ts';
import { scratchDir } from '../support/scratch-dir.ts';

interface Entry {
  from: 'user' | 'bot';
  kind: string;
  via?: 'reply' | 'push';
  message?: { text?: string };
}

/**
 * `npm start` on a machine with nothing configured: no DATABASE_URL (ouen's own
 * PostgreSQL server under the data directory), no LINE credentials (console and built-in
 * fake LINE API), only Redis.
 */
describe('local mode', () => {
  let dataDir: string;
  let env: ReturnType<typeof parseEnv>;
  let ouen: RunningOuen;
  const progress: string[] = [];
  /** What the port answered while ouen was starting: 0 for a refused connection. */
  const duringStart: number[] = [];

  const start = () => startOuen({ env, web: true, worker: true, logger: createLogger('silent'), progress: (step) => progress.push(step) });

  beforeAll(async () => {
    dataDir = await scratchDir('ouen-local-');
    const port = await choosePort(0, '127.0.0.1');
    env = parseEnv({ PORT: String(port), OUEN_DATA_DIR: dataDir, OUEN_QUEUE_PREFIX: `ouen-local-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'silent' });
    let starting = true;
    const watcher = (async () => {
      while (starting) {
        duringStart.push(await fetch(`http://127.0.0.1:${port}/webhooks/line`, { method: 'POST', body: '{}' }).then((r) => r.status, () => 0));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    ouen = await start().finally(() => (starting = false));
    await watcher;
  }, 180_000);

  afterAll(async () => {
    await ouen?.close();
    await obliterateQueue(env.REDIS_URL, env.OUEN_QUEUE_PREFIX);
    await rm(dataDir, { recursive: true, force: true });
  });

  const api = async <T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${ouen.url}/console/api${path}`, body === undefined ? {} : {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    return response.json() as Promise<T>;
  };
  const transcript = async (userId: string) => (await api<{ entries: Entry[] }>(`/users/${userId}/transcript?after=0`)).entries;

  it('runs its own PostgreSQL under the data directory, says what it is doing, and keeps key and password to itself', () => {
    expect(ouen.db.mode).toBe('embedded');
    expect(statSync(join(dataDir, 'postgres', 'PG_VERSION')).isFile()).toBe(true);
    expect(statSync(join(dataDir, 'ouen.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'postgres.password')).mode & 0o777).toBe(0o600);
    expect(progress).toEqual(['creating the local database (first start only)', 'starting the local database', expect.stringMatching(/^applied \d+ database migration\(s\)$/)]);
  });

  it('opens its port only once every route is there: nothing answered 404 while it started', () => {
    expect(duringStart[0]).toBe(0);
    expect(duringStart.filter((status) => status !== 0)).not.toContain(404);
  });

  it('listens on this machine only', async () => {
    expect(ouen.host).toBe('127.0.0.1');
    const outward = Object.values(networkInterfaces()).flat().find((address) => address && address.family === 'IPv4' && !address.internal);
    if (outward) {
      await expect(fetch(`http://${outward.address}:${ouen.port}/console`)).rejects.toThrow();
    }
  });

  it('refuses console requests naming another host (DNS rebinding) or posted from another site', async () => {
    const staffStats = JSON.stringify({ role: 'admin', line: '/stats' });
    const evilHost = await raw('GET', '/console', { host: `evil.example:${ouen.port}` });
    expect(evilHost.status).toBe(403);
    const rebound = await raw('POST', '/console/api/staff', { host: `evil.example:${ouen.port}`, 'content-type': 'application/json' }, staffStats);
    expect(rebound.status).toBe(403);
    const crossSite = await raw('POST', '/console/api/staff', { origin: 'https://evil.example', 'content-type': 'application/json' }, staffStats);
    expect(crossSite.status).toBe(403);
    expect(crossSite.body).toContain(`http://localhost:${ouen.port}/console`);
    const sameSite = await raw('POST', '/console/api/staff', { origin: `http://localhost:${ouen.port}`, 'content-type': 'application/json' }, staffStats);
    expect(sameSite.status).toBe(200);
    expect((await raw('GET', '/console', { host: `localhost:${ouen.port}` })).status).toBe(200);
  });

  it('serves the console, and a console user is greeted through the real webhook', async () => {
    expect((await fetch(`${ouen.url}/console`)).status).toBe(200);
    const { user } = await api<{ user: { userId: string } }>('/users', { displayName: '千葉 花子', language: 'ja' });
    await eventually(async () => (await transcript(user.userId)).find((e) => e.from === 'bot' && e.message?.text?.includes('はじめまして')));
    await api(`/users/${user.userId}/text`, { text: '応募' });
    await eventually(async () => (await transcript(user.userId)).some((e) => e.message?.text?.includes('個人情報の取り扱い')));
    const sql = createSqlPool(ouen.db.connectionString, 1);
    const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM "Participant"').finally(() => sql.end());
    expect(rows[0]!.n).toBe(1);
  });

  it('keeps console users and their chats across a restart, and delivers what is pushed to them afterwards', async () => {
    const { users: before } = await api<{ users: Array<{ userId: string }> }>('/users');
    const userId = before[0]!.userId;
    const chat = await transcript(userId);
    await ouen.close();
    progress.length = 0;
    ouen = await start();

    expect(progress).toEqual(['starting the local database']);
    // The journal passed to the new start; the lock keeps other processes from writing beside it.
    expect(readFileSync(join(dataDir, 'console.lock'), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    expect((await api<{ users: Array<{ userId: string }> }>('/users')).users.map((u) => u.userId)).toEqual([userId]);
    expect(await transcript(userId)).toEqual(chat);
    // A result published after the restart: an outbox row pushed by the worker.
    const sql = createSqlPool(ouen.db.connectionString, 1);
    const queue = new OutboxQueue(redisConnection(env.REDIS_URL), env.OUEN_QUEUE_PREFIX);
    try {
      const { rows } = await sql.query<{ id: string }>('SELECT "id" FROM "Participant" WHERE "lineUserId" = $1', [userId]);
      const [outboxId] = await createOutboxRows(sqlClient(sql), ouen.sealer, [{
        participantId: rows[0]!.id, content: { messages: [{ type: 'text', text: { literal: { ja: '一次審査の結果をお知らせします。', en: '一次審査の結果をお知らせします。' } } }] }, kind: 'test', notBefore: new Date(),
      }], new Date());
      await queue.enqueue([outboxId!]);
      await eventually(async () => (await transcript(userId)).some((e) => e.via === 'push' && e.message?.text === '一次審査の結果をお知らせします。'), 20_000);
      await eventually(async () => (await sql.query<{ status: string }>('SELECT "status" FROM "OutboxMessage" WHERE "id" = $1', [outboxId])).rows[0]?.status === 'sent');
    } finally {
      await queue.close();
      await sql.end();
    }
  }, 120_000);

  it('reports healthy', async () => {
    expect(await (await fetch(`${ouen.url}/healthz`)).json()).toMatchObject({ status: 'ok', database: 'ok' });
  });

  function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: ouen.port, method, path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
});
