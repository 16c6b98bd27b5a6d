/**
 * The server's two sides as the `ouen` command starts them, each in a process of its own
 * against real PostgreSQL, Redis and the fake LINE platform: `ouen web` delivers nothing
 * (no outbox worker on the queue; a due row stays pending), `ouen worker` delivers it,
 * opens no port, and loads no web code (its imports, dynamic ones included, are read).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLineApi } from '../../bot/console/fake-line-api.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient } from '../../core/db/pg-transaction.ts';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { OutboxQueue } from '../../runtime/outbox-queue.ts';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventually, obliterateQueue } from '../support/ouen-harness.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'ouen.mjs');
const REDIS_URL = 'redis://127.0.0.1:6379';

let db: TestDatabase;
let fakeServer: Server;
let env: NodeJS.ProcessEnv;
let queue: OutboxQueue;
const token = randomBytes(24).toString('base64url');
const fake = createFakeLineApi({ channelAccessToken: token });
const key = randomBytes(32);
const prefix = `ouen-test-${randomBytes(4).toString('hex')}`;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  db = await createTestDatabase();
  fakeServer = await new Promise<Server>((resolve) => {
    const server = express().use(fake.router).listen(0, '127.0.0.1', () => resolve(server));
  });
  const fakeUrl = `http://127.0.0.1:${(fakeServer.address() as { port: number }).port}`;
  env = {
    ...process.env,
    DATABASE_URL: db.connectionString,
    REDIS_URL,
    LINE_CHANNEL_SECRET: randomBytes(16).toString('hex'),
    LINE_CHANNEL_ACCESS_TOKEN: token,
    LINE_API_BASE_URL: fakeUrl,
    LINE_DATA_API_BASE_URL: fakeUrl,
    OUEN_ENCRYPTION_KEY: key.toString('base64'),
    OUEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'ouen-roles-')),
    OUEN_QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'info',
  };
  queue = new OutboxQueue(redisConnection(REDIS_URL), prefix);
});

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await queue?.close();
  await obliterateQueue(REDIS_URL, prefix);
  await new Promise((resolve) => fakeServer?.close(resolve));
  await db?.drop();
});

/** `ouen <command>` in a process of its own; resolves once it logged that it started. */
async function startCommand(command: 'web' | 'worker', extraEnv: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [bin, command], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    running.delete(child);
    resolve(code);
  }));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const started = new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const record = parseJson(line);
      if (record?.msg === 'ouen started') resolve(record);
    });
    void exited.then((code) => reject(new Error(`ouen ${command} exited with ${code} before it started: ${stderr}`)));
  });
  return {
    started: await started,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A participant on the fake platform with one outbox row due now, queued for delivery. */
async function dueRow() {
  const { userId } = fake.store.createUser({ displayName: 'テスト', language: 'ja' });
  const participant = await db.prisma.participant.create({ data: { lineUserId: userId } });
  const [id] = await createOutboxRows(sqlClient(db.sql), new Sealer(key), [{
    participantId: participant.id, content: { messages: [{ type: 'text', text: { literal: { ja: 'お知らせです', en: 'お知らせです' } } }] }, kind: 'test', notBefore: new Date(),
  }], new Date());
  await queue.enqueue([id!]);
  return { id: id!, userId };
}

const status = async (id: string) => (await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } })).status;
const pushesTo = (userId: string) => fake.store.requests.filter((r) => r.path === '/v2/bot/message/push' && (r.body as { to?: string }).to === userId);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => socket.destroy() && resolve(true));
    socket.once('error', () => resolve(false));
  });
}

describe('ouen web and ouen worker', () => {
  it('ouen web delivers nothing; ouen worker then delivers what waited, with no port open', async () => {
    const row = await dueRow();
    const web = await startCommand('web');
    expect(web.started).toMatchObject({ web: true, worker: false });
    // A worker on the queue would take the row within milliseconds; give it well over that.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await queue.queue.getWorkers()).toEqual([]);
    expect(await status(row.id)).toBe('pending');
    expect(pushesTo(row.userId)).toEqual([]);
    expect(await web.stop()).toBe(0);

    const port = await freePort();
    const worker = await startCommand('worker', { PORT: String(port) });
    expect(worker.started).toMatchObject({ web: false, worker: true });
    await eventually(async () => (await status(row.id)) === 'sent');
    expect(pushesTo(row.userId)).toHaveLength(1);
    expect(await queue.queue.getWorkers()).toHaveLength(1);
    expect(await accepts(port)).toBe(false);
    expect(await worker.stop()).toBe(0);
  }, 120_000);

  it('ouen worker loads no web code: nothing under bot/, no express, whatever it imports, dynamically or not', async () => {
    const { metafile } = await build({
      absWorkingDir: root, entryPoints: ['cli/worker.command.ts'], bundle: true, platform: 'node', format: 'esm',
      packages: 'external', write: false, metafile: true, logLevel: 'silent',
    });
    const sources = Object.keys(metafile.inputs);
    expect(sources).toContain('worker/start-worker.ts');
    expect(sources.filter((path) => path.startsWith('bot/'))).toEqual([]);
    const packages = Object.values(metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external).map((i) => i.path));
    expect(packages).toContain('bullmq');
    expect(packages.filter((name) => name === 'express' || name.startsWith('express/'))).toEqual([]);
  });
});
