import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obliterateQueue } from '../support/ouen-harness.ts';
import { scratchDir } from '../support/scratch-dir.ts';
import { choosePort } from '../../bot/http/listen.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'ouen.mjs');

/** `npx ouen demo`, as the README tells a new operator to run it. */
describe('ouen demo', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let demo: ChildProcess | undefined;
  let output = '';
  let port: number;
  const prefix = `ouen-demo-test-${randomBytes(4).toString('hex')}`;

  const staff = async (body: unknown) => {
    const response = await fetch(`http://127.0.0.1:${port}/console/api/staff`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return response.json() as Promise<{ text?: string; card?: { description?: string; fields?: Array<{ name: string; value: string }> } }>;
  };

  /** Starts `ouen demo` and waits until it says the console is ready. */
  async function startDemo(): Promise<void> {
    output = '';
    demo = spawn('node', [bin, 'demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    demo.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 150_000;
    while (!output.includes('Stop with Ctrl+C')) {
      if (demo.exitCode !== null || Date.now() > deadline) throw new Error(`ouen demo did not get ready:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function stopDemo(): Promise<void> {
    if (!demo || demo.exitCode !== null) return;
    const exited = new Promise((resolve) => demo!.once('exit', resolve));
    demo.kill('SIGINT');
    await exited;
  }

  beforeAll(async () => {
    dataDir = await scratchDir('ouen-demo-');
    port = await choosePort(0, '127.0.0.1');
    env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|LINE_|OUEN_)/.test(name)));
    Object.assign(env, { OUEN_DATA_DIR: dataDir, OUEN_QUEUE_PREFIX: prefix, PORT: String(port), LOG_LEVEL: 'warn' });
    await startDemo();
  }, 180_000);

  afterAll(async () => {
    await stopDemo();
    await obliterateQueue('redis://127.0.0.1:6379', `${prefix}-demo`);
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('seeds a closed call with six applications and a draft, made by console users whose chats the console shows', async () => {
    expect(output).toContain('DEMO-0001');
    expect(output).toMatch(/· creating the local database \(first start only\)…[\s\S]*ouen is ready in local mode \(\d+\.\d s\)\.\n {2}Console: http:\/\/localhost:\d+\/console/);
    expect(output).toContain(`Console: http://localhost:${port}/console`);
    const stats = await staff({ role: 'staff', line: '/stats' });
    expect(stats.card?.fields?.find((field) => field.name === '応募')?.value).toBe('下書き 1 ・ 提出済み 6 ・ 取り下げ 0');
    const { users } = await (await fetch(`http://127.0.0.1:${port}/console/api/users`)).json() as { users: Array<{ displayName: string; lastEntry: unknown }> };
    expect(users.map((user) => user.displayName)).toEqual(['千葉 花子', '佐藤 一郎', '鈴木 美咲', '高橋 健', '田中 由美', '伊藤 翔', '渡辺 さくら']);
    const program = JSON.parse(readFileSync(join(dataDir, 'demo', 'demo-program.json'), 'utf8')) as { contest: { deadline: string } };
    expect(Date.parse(program.contest.deadline)).toBeLessThan(Date.now());
  });

  it('lets staff open the document screening at once, for the six, with the three judges', async () => {
    const opened = await staff({ role: 'staff', line: '/round open document' });
    expect(opened.text).toContain('対象 6 件、審査員 3 名');
    const score = await staff({ role: 'judge', as: 'judge-a', line: '/score DEMO-0001' });
    expect(JSON.stringify(score)).toContain('DEMO-0001');
  });

  it('keeps its data apart from the real data directory, and keeps the season on the next run', async () => {
    expect(readdirSync(dataDir)).toEqual(['demo']);
    await stopDemo();
    await startDemo();
    expect(output).not.toContain('preparing a judging season');
    expect(JSON.stringify(await staff({ role: 'staff', line: '/progress' }))).toContain('対象 6 件');
  }, 120_000);

  it('refuses to run beside a real database', async () => {
    const refused = await promisify(execFile)('node', [bin, 'demo'], { env: { ...env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres' } })
      .catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('ouen demo runs only in local mode') });
  });
});
