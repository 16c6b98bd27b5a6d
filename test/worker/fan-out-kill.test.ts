/**
 * Fault test: `ouen worker` (a process of its own, as in production) is killed with
 * SIGKILL in the middle of a 10,000-recipient send and started again; every recipient
 * receives the message exactly once. The delivery requests were written before any call,
 * so the restarted worker repeats an interrupted call under the same X-Line-Retry-Key
 * and LINE (the fake, keeping its rate limits so the send lasts long enough to be
 * interrupted) answers 409 instead of delivering twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLineApi } from '../../bot/console/fake-line-api.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient } from '../../core/db/pg-transaction.ts';
import { literalText } from '../../core/outbox/outbox-content.ts';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { OutboxQueue } from '../../runtime/outbox-queue.ts';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventually, obliterateQueue } from '../support/ouen-harness.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'ouen.mjs');
const REDIS_URL = 'redis://127.0.0.1:6379';
const RECIPIENTS = 10_000;

let db: TestDatabase;
let fakeServer: Server;
let env: NodeJS.ProcessEnv;
let queue: OutboxQueue;
const token = randomBytes(24).toString('base64url');
const fake = createFakeLineApi({ channelAccessToken: token });
const key = randomBytes(32);
const prefix = `ouen-test-${randomBytes(4).toString('hex')}`;
const running = new Set<ChildProcess>();
/** Messages each user received (the fake's transcript keeps only the latest few thousand). */
const received = new Map<string, number>();

beforeAll(async () => {
  db = await createTestDatabase();
  const append = fake.store.appendBotMessage.bind(fake.store);
  fake.store.appendBotMessage = (userId, input) => {
    received.set(userId, (received.get(userId) ?? 0) + 1);
    return append(userId, input);
  };
  fakeServer = await new Promise<Server>((resolve) => {
    const server = express().use(fake.router).listen(0, '127.0.0.1', () => resolve(server));
  });
  const fakeUrl = `http://127.0.0.1:${(fakeServer.address() as { port: number }).port}`;
  env = {
    ...process.env,
    DATABASE_URL: db.connectionString, REDIS_URL,
    LINE_CHANNEL_SECRET: randomBytes(16).toString('hex'), LINE_CHANNEL_ACCESS_TOKEN: token,
    LINE_API_BASE_URL: fakeUrl, LINE_DATA_API_BASE_URL: fakeUrl,
    OUEN_ENCRYPTION_KEY: key.toString('base64'), OUEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'ouen-fanout-')),
    OUEN_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn',
  };
  queue = new OutboxQueue(redisConnection(REDIS_URL), prefix);
}, 60_000);

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await queue?.close();
  await obliterateQueue(REDIS_URL, prefix);
  await new Promise((resolve) => fakeServer?.close(resolve));
  await db?.drop();
});

/** `ouen worker` in a process of its own; resolves once it logged that it started. */
async function startWorker(limits: { push: number; multicast: number }): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'worker'], {
    env: { ...env, LOG_LEVEL: 'info', OUEN_LINE_PUSH_PER_SECOND: String(limits.push), OUEN_LINE_MULTICAST_PER_SECOND: String(limits.multicast) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  // Drained, so a chatty child never blocks on a full pipe.
  child.stderr!.resume();
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (process.env.FANOUT_LOG) appendFileSync(process.env.FANOUT_LOG, `${line}\n`);
      if (line.includes('"msg":"ouen started"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`ouen worker exited with ${code} before it started`)));
  });
  return child;
}

/** 10,000 people on the fake platform and as participants, each with one row of `content(n)`, due now. */
async function send(content: (n: number) => ReturnType<typeof literalText>): Promise<string[]> {
  const users = Array.from({ length: RECIPIENTS }, () => fake.store.createUser({ displayName: 'テスト', language: 'ja' }).userId);
  await db.prisma.participant.createMany({ data: users.map((lineUserId) => ({ lineUserId })) });
  const participants = await db.prisma.participant.findMany({ where: { lineUserId: { in: users } }, select: { id: true } });
  const now = new Date();
  await createOutboxRows(sqlClient(db.sql), new Sealer(key), participants.map((p, n) => ({ participantId: p.id, content: content(n), kind: 'broadcast', notBefore: now })), now);
  for (const userId of users) received.set(userId, 0);
  return users;
}

const deliveredTo = (users: string[]) => users.reduce((sum, userId) => sum + Math.min(received.get(userId) ?? 0, 1), 0);
const pending = () => db.prisma.outboxMessage.count({ where: { status: 'pending' } });

async function killMidwayAndFinish(users: string[], limits: { push: number; multicast: number }, killAfter: number) {
  fake.store.enforceRateLimits(limits);
  const first = await startWorker(limits);
  await eventually(() => deliveredTo(users) >= killAfter, 120_000);
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const interrupted = deliveredTo(users);
  expect(interrupted).toBeLessThan(RECIPIENTS);
  const second = await startWorker(limits);
  await eventually(async () => (await pending()) === 0, 240_000).catch(async (error: unknown) => {
    // What was left, for the failure message: requests by status and attempts.
    const left = await db.prisma.deliveryRequest.groupBy({ by: ['status', 'attempts', 'lastError'], _count: true });
    throw new Error(`${String(error)}; ${await pending()} rows pending; requests: ${JSON.stringify(left)}`);
  });
  second.kill('SIGTERM');
  await new Promise((resolve) => second.once('exit', resolve));
  return interrupted;
}

describe('a worker killed in the middle of a 10,000-recipient send', () => {
  it('identical content (multicasts): after a restart every recipient has received it exactly once', async () => {
    const users = await send(() => literalText({ ja: '説明会のお知らせ', en: 'About the briefing' }));
    // 20 multicasts at 4 a second: about five seconds to interrupt.
    await killMidwayAndFinish(users, { push: 2000, multicast: 4 }, 1500);
    const counts = users.map((userId) => received.get(userId) ?? 0);
    expect(counts.filter((n) => n !== 1)).toEqual([]);
    expect(await db.prisma.outboxMessage.count({ where: { status: 'sent' } })).toBe(RECIPIENTS);
    const multicasts = fake.store.requests.filter((r) => r.path === '/v2/bot/message/multicast');
    expect(multicasts.filter((r) => r.status === 200)).toHaveLength(RECIPIENTS / 500);
  }, 300_000);

  it('personalised content (pushes): after a restart every recipient has received theirs exactly once', async () => {
    await db.prisma.outboxMessage.deleteMany({});
    const users = await send((n) => literalText({ ja: `受付番号 ${n}`, en: `Receipt ${n}` }));
    await killMidwayAndFinish(users, { push: 1000, multicast: 200 }, 3000);
    const counts = users.map((userId) => received.get(userId) ?? 0);
    expect(counts.filter((n) => n !== 1)).toEqual([]);
    expect(await db.prisma.outboxMessage.count({ where: { status: 'sent' } })).toBe(RECIPIENTS);
  }, 300_000);
});
