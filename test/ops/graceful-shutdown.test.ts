/**
 * How `ouen worker` stops, as a real process against real PostgreSQL, Redis and the fake
 * LINE platform (which can hold a push unanswered): on SIGTERM it takes no new job and
 * finishes the one in flight before it exits; a job that outlives the shutdown grace is
 * left in Redis, still active, to be handed back (nothing marked, nothing lost). Its
 * optional /healthz and /metrics port is read on the way. `ouen web` stopped right after
 * acknowledging webhooks answers every event first.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLineApi } from '../../bot/console/fake-line-api.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient } from '../../core/db/pg-transaction.ts';
import { freePort } from '../../core/free-port.ts';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { OutboxQueue } from '../../runtime/outbox-queue.ts';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { botTexts, callbackBody, LineUser } from '../support/line-events.ts';
import { eventually, obliterateQueue, sign } from '../support/ouen-harness.ts';
import { runningOuen, spawnOuen } from '../support/ouen-process.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const token = randomBytes(24).toString('base64url');
const fake = createFakeLineApi({ channelAccessToken: token });
const key = randomBytes(32);
const prefix = `ouen-test-${randomBytes(4).toString('hex')}`;
const secret = randomBytes(16).toString('hex');
let db: TestDatabase;
let fakeServer: Server;
let env: NodeJS.ProcessEnv;
let queue: OutboxQueue;

/** Pushes the fake LINE platform holds unanswered while `holding`; each is answered when released. */
const held: Array<() => void> = [];
let holding = false;
const releaseHeld = () => held.splice(0).forEach((release) => release());

beforeAll(async () => {
  db = await createTestDatabase();
  const app = express()
    .use((req, _res, next) => (holding && req.path === '/v2/bot/message/push' ? held.push(next) : next()))
    .use(fake.router);
  fakeServer = await new Promise<Server>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
  const fakeUrl = `http://127.0.0.1:${(fakeServer.address() as { port: number }).port}`;
  env = {
    ...process.env,
    DATABASE_URL: db.connectionString, REDIS_URL,
    LINE_CHANNEL_SECRET: secret, LINE_CHANNEL_ACCESS_TOKEN: token,
    LINE_API_BASE_URL: fakeUrl, LINE_DATA_API_BASE_URL: fakeUrl,
    OUEN_ENCRYPTION_KEY: key.toString('base64'), OUEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'ouen-shutdown-')),
    OUEN_QUEUE_PREFIX: prefix, OUEN_HOST: '127.0.0.1', LOG_LEVEL: 'info',
  };
  queue = new OutboxQueue(redisConnection(REDIS_URL), prefix);
});

afterAll(async () => {
  for (const proc of runningOuen) proc.kill();
  holding = false;
  releaseHeld();
  await queue?.close();
  await obliterateQueue(REDIS_URL, prefix);
  await new Promise((resolve) => fakeServer?.close(resolve));
  await db?.drop();
});

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
/** The state of the send job that carries the row's delivery request (null: the row is not planned into one). */
async function sendJobState(id: string): Promise<string | null> {
  const row = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id }, select: { requestId: true } });
  if (!row.requestId) return null;
  const request = await db.prisma.deliveryRequest.findUniqueOrThrow({ where: { id: row.requestId } });
  return queue.sendQueue.getJobState(request.batchId);
}
const pushesTo = (userId: string) => fake.store.requests.filter((r) => r.path === '/v2/bot/message/push' && (r.body as { to?: string }).to === userId);
const answers = async (port: number, path: string) => fetch(`http://127.0.0.1:${port}${path}`).then(async (r) => ({ status: r.status, body: await r.text() }), () => undefined);

describe('ouen worker stopping', () => {
  it('serves /healthz and /metrics on OUEN_WORKER_METRICS_PORT; on SIGTERM takes no new job and finishes the one in flight, then exits 0', async () => {
    const metricsPort = await freePort('127.0.0.1');
    const worker = await spawnOuen('worker', { ...env, OUEN_WORKER_METRICS_PORT: String(metricsPort) });
    expect(worker.started).toMatchObject({ worker: true, metricsPort });
    expect(await answers(metricsPort, '/healthz')).toEqual({ status: 200, body: JSON.stringify({ status: 'ok', database: 'ok', redis: 'ok' }) });
    const metrics = await answers(metricsPort, '/metrics');
    // Any count: the dispatcher's own job (every 2 s, and the kick at start) may be active as it is read.
    expect(metrics?.body).toMatch(/^ouen_queue_jobs\{queue="outbox",state="active"\} \d+$/m);
    expect(metrics?.body).toMatch(/^process_resident_memory_bytes /m);

    holding = true;
    const inFlight = await dueRow();
    await eventually(() => held.length === 1);
    worker.signal('SIGTERM');
    await worker.logged((record) => record.msg === 'ouen stopping');
    // The port closes first: once it refuses, the worker is stopping with the push still unanswered.
    await eventually(async () => (await answers(metricsPort, '/healthz')) === undefined);
    const late = await dueRow();
    expect(await status(inFlight.id)).toBe('pending');
    releaseHeld();

    expect(await worker.exited).toBe(0);
    expect(await status(inFlight.id)).toBe('sent');
    expect(pushesTo(inFlight.userId)).toHaveLength(1);
    expect(await sendJobState(inFlight.id)).toBe('completed');
    // Due while it stopped: not sent. A dispatch already running may have planned it into
    // a send job, which the stopping worker no longer takes; either way it waits for the next.
    expect(held).toHaveLength(0);
    expect(await status(late.id)).toBe('pending');
    expect([null, 'waiting']).toContain(await sendJobState(late.id));
    holding = false;

    // The next worker delivers what waited, once.
    const next = await spawnOuen('worker', env);
    await eventually(async () => (await status(late.id)) === 'sent');
    expect(pushesTo(late.userId)).toHaveLength(1);
    expect(await next.stop()).toBe(0);
  }, 90_000);

  it('exits at the end of OUEN_SHUTDOWN_GRACE_MS with a job that hangs, leaving it active in Redis and its row pending', async () => {
    const worker = await spawnOuen('worker', { ...env, OUEN_SHUTDOWN_GRACE_MS: '500' });
    holding = true;
    const stuck = await dueRow();
    await eventually(() => held.length === 1);
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(1);
    expect(worker.records.find((record) => record.graceMs === 500)).toMatchObject({ level: 40, msg: expect.stringContaining('shutdown grace') });
    expect(await status(stuck.id)).toBe('pending');
    // Its lock expires and BullMQ's stalled-job check moves it back to waiting, for any worker.
    expect(await sendJobState(stuck.id)).toBe('active');
    expect(pushesTo(stuck.userId)).toHaveLength(0);
  }, 60_000);

  it('ouen web, stopped right after acknowledging webhooks, answers every event before it exits 0', async () => {
    const web = await spawnOuen('web', { ...env, PORT: String(await freePort('127.0.0.1')) });
    const users = Array.from({ length: 10 }, () => new LineUser(fake.store));
    const raw = JSON.stringify(callbackBody(fake.store.botUserId, ...users.map((user) => user.text('応募'))));
    const acked = await fetch(`http://127.0.0.1:${web.started.port as number}/webhooks/line`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': sign(raw, secret) }, body: raw,
    });
    expect(acked.status).toBe(200);
    web.signal('SIGTERM');
    expect(await web.exited).toBe(0);
    for (const user of users) expect(botTexts(fake.store, user.userId)).toHaveLength(1);
    expect(await db.prisma.inboxEvent.count({ where: { status: 'pending' } })).toBe(0);
  }, 60_000);
});
