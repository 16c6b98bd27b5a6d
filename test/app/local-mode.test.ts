import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOuen, type RunningOuen } from '../../bot/app.ts';
import { parseEnv } from '../../core/env.ts';
import { createLogger } from '../../core/logger.ts';
import { createSqlPool } from '../../core/db/sql-pool.ts';
import { eventually, obliterateQueue } from '../support/ouen-harness.ts';

/**
 * `npm start` on a machine with nothing configured: no DATABASE_URL (embedded PGlite),
 * no LINE credentials (console and built-in fake LINE API), only Redis.
 */
describe('local mode with the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ouen-local-'));
  const env = parseEnv({ PORT: '0', OUEN_DATA_DIR: dataDir, OUEN_QUEUE_PREFIX: `ouen-local-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'silent' });
  let ouen: RunningOuen;

  beforeAll(async () => {
    ouen = await startOuen({ env, web: true, worker: true, logger: createLogger('silent') });
  }, 120_000);

  afterAll(async () => {
    await ouen?.close();
    await obliterateQueue(env.REDIS_URL, env.OUEN_QUEUE_PREFIX);
  });

  const api = async (path: string, body?: unknown) => {
    const response = await fetch(`${ouen.url}/console/api${path}`, body === undefined ? {} : {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    return response.json() as Promise<Record<string, unknown>>;
  };

  it('runs on PGlite under the data directory with a 0600 key file', () => {
    expect(ouen.db.mode).toBe('embedded');
    expect(statSync(join(dataDir, 'pglite')).isDirectory()).toBe(true);
    expect(statSync(join(dataDir, 'ouen.key')).mode & 0o777).toBe(0o600);
  });

  it('serves the console, and a console user is greeted through the real webhook', async () => {
    expect((await fetch(`${ouen.url}/console`)).status).toBe(200);
    const { user } = await api('/users', { displayName: '千葉 花子', language: 'ja' }) as { user: { userId: string } };
    const greeting = await eventually(async () => {
      const { entries } = await api(`/users/${user.userId}/transcript?after=0`) as { entries: Array<{ from: string; message?: { text?: string } }> };
      return entries.find((e) => e.from === 'bot' && e.message?.text?.includes('はじめまして'));
    });
    expect(greeting).toBeDefined();
    const { entries } = await api(`/users/${user.userId}/transcript?after=0`) as { entries: unknown[] };
    expect(entries.length).toBeGreaterThan(1);
    await api(`/users/${user.userId}/text`, { text: '応募' });
    await eventually(async () => {
      const { entries: all } = await api(`/users/${user.userId}/transcript?after=0`) as { entries: Array<{ message?: { text?: string } }> };
      return all.some((e) => e.message?.text?.includes('個人情報の取り扱い'));
    });
    const sql = createSqlPool(ouen.db.connectionString, 1);
    const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM "Participant"').finally(() => sql.end());
    expect(rows[0]!.n).toBe(1);
  });

  it('reports healthy', async () => {
    expect(await (await fetch(`${ouen.url}/healthz`)).json()).toMatchObject({ status: 'ok', database: 'ok' });
  });
});
