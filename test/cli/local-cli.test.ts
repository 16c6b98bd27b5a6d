import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOuen, type RunningOuen } from '../../cli/start-ouen.ts';
import { parseEnv } from '../../core/env.ts';
import { createLogger } from '../../core/logger.ts';
import { eventually, obliterateQueue } from '../support/ouen-harness.ts';
import { scratchDir } from '../support/scratch-dir.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'ouen.mjs');

/** The operator's commands beside `npm start` in local mode: no DATABASE_URL, no extra step. */
describe('ouen CLI in local mode', () => {
  let dataDir: string;
  let ouen: RunningOuen | undefined;
  let env: NodeJS.ProcessEnv;
  let queuePrefix: string;

  const ouenCli = (args: string[], dir = dataDir) => run('node', [bin, ...args], { env: { ...env, OUEN_DATA_DIR: dir } });
  const failure = (args: string[], dir?: string) => ouenCli(args, dir).then(
    () => { throw new Error(`ouen ${args.join(' ')} succeeded`); },
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

  beforeAll(async () => {
    dataDir = await scratchDir('ouen-local-cli-');
    queuePrefix = `ouen-local-cli-${randomBytes(4).toString('hex')}`;
    env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|LINE_|OUEN_)/.test(name)));
    env.LOG_LEVEL = 'silent';
    env.OUEN_QUEUE_PREFIX = queuePrefix;
    ouen = await startOuen({
      env: parseEnv({ PORT: '0', OUEN_DATA_DIR: dataDir, OUEN_QUEUE_PREFIX: queuePrefix, LOG_LEVEL: 'silent' }),
      web: true, worker: true, logger: createLogger('silent'),
    });
    const created = await fetch(`${ouen.url}/console/api/users`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: '千葉 花子', language: 'ja' }),
    });
    expect(created.status).toBe(201);
    await eventually(async () => (await ouenCli(['stats', '--json']).then((r) => JSON.parse(r.stdout).participants.total)) === 1, 30_000);
  }, 180_000);

  afterAll(async () => {
    await ouen?.close();
    await obliterateQueue('redis://127.0.0.1:6379', queuePrefix);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('counts from the running server, saying whose database it used', async () => {
    const { stdout, stderr } = await ouenCli(['stats', '--json']);
    expect(JSON.parse(stdout).participants.total).toBe(1);
    expect(stderr).toContain(`using the database of the running ouen, process ${process.pid}`);
  });

  it('exports applications and verifies the audit log while the server runs', async () => {
    const exported = await ouenCli(['applications', 'export', '--csv']);
    expect(exported.stdout.startsWith('\uFEFF受付番号')).toBe(true);
    expect((await ouenCli(['audit', 'verify'])).stdout).toMatch(/audit log intact: \d+ rows/);
  });

  it('says plainly, without a stack trace, that a new data directory holds nothing, and leaves it untouched', async () => {
    const empty = join(dataDir, 'not-used-yet');
    const refused = await failure(['stats'], empty);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`There is no local database at ${join(empty, 'postgres')}`);
    expect(refused.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(empty)).toBe(false);
  });

  it('refuses a second server on the same data directory, naming the first', async () => {
    const second = await failure(['start']);
    expect(second.stderr).toContain(`in use by process ${process.pid}`);
    expect(second.stderr).not.toMatch(/^\s+at /m);
  });

  it('starts the database by itself when nothing runs, and stops it again', async () => {
    await ouen!.close();
    ouen = undefined;
    const { stdout, stderr } = await ouenCli(['stats', '--json']);
    expect(JSON.parse(stdout).participants.total).toBe(1);
    expect(stderr).not.toContain('running ouen');
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(existsSync(join(dataDir, 'postgres.lock'))).toBe(false);
  }, 60_000);
});
