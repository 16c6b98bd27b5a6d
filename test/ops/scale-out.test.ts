/**
 * Several processes on one PostgreSQL and Redis: two `ouen web` and two `ouen worker`,
 * real child processes (bin/ouen.mjs), the fake LINE platform in this test. Many people
 * send their messages one after another, each message to the other web process than the
 * last (as a load balancer would); some replies fail, so those answers go through the
 * outbox to whichever worker takes them; and a batch of due outbox rows is delivered by
 * the two workers together. Every person's messages run in their order, each answered
 * once, none missing; at a person's pace the answers also reach them in that order.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLineApi } from '../../bot/console/fake-line-api.ts';
import { ulid } from '../../bot/console/line-ids.ts';
import { callbackBody, type WebhookEvent } from '../../bot/console/webhook-events.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient } from '../../core/db/pg-transaction.ts';
import { freePort } from '../../core/free-port.ts';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { OutboxQueue } from '../../runtime/outbox-queue.ts';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { botTexts, LineUser } from '../support/line-events.ts';
import { validateLineRequest, validateLineWebhook } from '../support/line-spec.ts';
import { eventually, obliterateQueue, sign } from '../support/ouen-harness.ts';
import { runningOuen, spawnOuen, type OuenProcess } from '../support/ouen-process.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const token = randomBytes(24).toString('base64url');
const secret = randomBytes(16).toString('hex');
const key = randomBytes(32);
const prefix = `ouen-test-${randomBytes(4).toString('hex')}`;
const fake = createFakeLineApi({ channelAccessToken: token });
/** The first steps of the application: every answer moves the conversation one step, so each gets a different question. */
const SCRIPT = ['応募', '同意する', 'すでにある', '船橋市', 'まだ創業していない'];
const PEOPLE = 18;
const DUE_ROWS = 40;

let db: TestDatabase;
let fakeServer: Server;
let queue: OutboxQueue;
let webs: OuenProcess[] = [];
let workers: OuenProcess[] = [];
/** Reply tokens whose first reply the fake platform refuses with a 500 (the answer then goes through the outbox). */
const failingReplies = new Set<string>();
let refusedReplies = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  const app = express()
    // Read as the fake reads bodies (raw), so it still finds the body as it expects.
    .use('/v2/bot/message/reply', express.raw({ type: () => true, limit: '3mb' }), (req, res, next) => {
      const { replyToken } = JSON.parse((req.body as Buffer).toString('utf8')) as { replyToken?: string };
      if (!replyToken || !failingReplies.delete(replyToken)) return next();
      refusedReplies++;
      res.status(500).json({ message: 'Internal error' });
    })
    .use(fake.router);
  fakeServer = await new Promise<Server>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
  const fakeUrl = `http://127.0.0.1:${(fakeServer.address() as { port: number }).port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.connectionString, REDIS_URL,
    LINE_CHANNEL_SECRET: secret, LINE_CHANNEL_ACCESS_TOKEN: token, LINE_API_BASE_URL: fakeUrl, LINE_DATA_API_BASE_URL: fakeUrl,
    OUEN_ENCRYPTION_KEY: key.toString('base64'), OUEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'ouen-scale-')),
    OUEN_QUEUE_PREFIX: prefix, OUEN_HOST: '127.0.0.1', LOG_LEVEL: 'info',
  };
  queue = new OutboxQueue(redisConnection(REDIS_URL), prefix);
  const ports = [await freePort(), await freePort()];
  [webs, workers] = await Promise.all([
    Promise.all(ports.map((port) => spawnOuen('web', { ...env, PORT: String(port) }))),
    Promise.all([spawnOuen('worker', env), spawnOuen('worker', env)]),
  ]);
}, 60_000);

afterAll(async () => {
  for (const proc of runningOuen) proc.kill();
  await queue?.close();
  await obliterateQueue(REDIS_URL, prefix);
  await new Promise((resolve) => fakeServer?.close(resolve));
  await db?.drop();
});

/** Posts a signed webhook with one event to web process `n` (0 or 1). */
async function post(n: number, event: WebhookEvent): Promise<number> {
  const body = callbackBody(fake.store.botUserId, event);
  const verdict = validateLineWebhook(body);
  if (!verdict.ok) throw new Error(verdict.errors.join('; '));
  const raw = JSON.stringify(body);
  const port = webs[n]!.started.port as number;
  const response = await fetch(`http://127.0.0.1:${port}/webhooks/line`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': sign(raw, secret) }, body: raw,
  });
  return response.status;
}

/** The person's messages, a millisecond apart in LINE's timestamps (their order is the order they happened). */
function messages(user: LineUser): WebhookEvent[] {
  const start = Date.now();
  return SCRIPT.map((text, i) => {
    const event = user.text(text);
    return { ...event, timestamp: start + i, webhookEventId: ulid(start + i) };
  });
}

const pending = async () => Number((await db.sql.query<{ n: string }>(`
  SELECT (SELECT count(*) FROM "InboxEvent" WHERE "status" = 'pending') + (SELECT count(*) FROM "OutboxMessage" WHERE "status" = 'pending') AS n`)).rows[0]!.n);

describe('two web and two worker processes on one PostgreSQL and Redis', () => {
  let expected: string[];

  beforeAll(async () => {
    expect(webs.map((web) => web.started)).toEqual([expect.objectContaining({ web: true, worker: false }), expect.objectContaining({ web: true, worker: false })]);
    expect(await queue.queue.getWorkers()).toHaveLength(2);
    // What one person hears, sending to one process and waiting for each answer.
    const reference = new LineUser(fake.store);
    for (const [i, event] of messages(reference).entries()) {
      expect(await post(0, event)).toBe(200);
      await eventually(() => botTexts(fake.store, reference.userId).length === i + 1);
    }
    expected = botTexts(fake.store, reference.userId);
    expect(new Set(expected).size).toBe(SCRIPT.length);
  }, 30_000);

  it('run each person\'s messages in their order and answer each once, however fast they come and to whichever process', async () => {
    // Everyone at once, each person's messages back to back, alternating between the processes;
    // the first reply to every third person's last message fails, so the worker delivers that answer.
    const people = Array.from({ length: PEOPLE }, () => new LineUser(fake.store));
    await Promise.all(people.map(async (user, u) => {
      const events = messages(user);
      if (u % 3 === 0) failingReplies.add(String(events.at(-1)!.replyToken));
      for (const [i, event] of events.entries()) expect(await post((u + i) % 2, event)).toBe(200);
    }));
    await eventually(async () => (await pending()) === 0, 30_000);
    expect(refusedReplies).toBe(Math.ceil(PEOPLE / 3));
    // Each answer depends on the step the conversation is at: a message run before an older one would be
    // answered with a re-prompt or another step's question. So the same answers, each once, means the
    // turns ran in message order. (The order they reach LINE in is the next test's: two processes'
    // replies right after their commits can cross on the way when messages come faster than answers.)
    for (const user of people) expect(botTexts(fake.store, user.userId).sort()).toEqual([...expected].sort());
  }, 60_000);

  it('answer in message order, a person alternating between the processes at a person\'s pace, and the workers deliver each due row once', async () => {
    const people = Array.from({ length: PEOPLE / 3 }, () => new LineUser(fake.store));
    const participants: string[] = [];
    await Promise.all(people.map(async (user, u) => {
      for (const [i, event] of messages(user).entries()) {
        // Some of the replies fail: the worker delivers those answers, and the next message waits for them as a person would.
        if ((u + i) % 4 === 0) failingReplies.add(String(event.replyToken));
        expect(await post((u + i) % 2, event)).toBe(200);
        await eventually(() => botTexts(fake.store, user.userId).length === i + 1, 20_000);
        if (i === 0) participants.push((await db.prisma.participant.findUniqueOrThrow({ where: { lineUserId: user.userId } })).id);
      }
    }));
    // A batch of due rows for the same people, queued for both workers.
    const rows = await createOutboxRows(sqlClient(db.sql), new Sealer(key), Array.from({ length: DUE_ROWS }, (_, n) => ({
      participantId: participants[n % participants.length]!, messages: [{ type: 'text', text: `お知らせ ${n}` }], reason: 'test', notBefore: new Date(),
    })), new Date());
    await queue.enqueue(rows);
    await eventually(async () => (await pending()) === 0, 30_000);

    for (const user of people) expect(botTexts(fake.store, user.userId).filter((text) => !text.startsWith('お知らせ'))).toEqual(expected);
    const notices = people.flatMap((user) => botTexts(fake.store, user.userId)).filter((text) => text.startsWith('お知らせ')).sort();
    expect(notices).toEqual(Array.from({ length: DUE_ROWS }, (_, n) => `お知らせ ${n}`).sort());
    expect(fake.store.requests.filter((r) => !validateLineRequest(r.method, r.path, r.body).ok)).toEqual([]);
  }, 60_000);

  it('stop on SIGTERM, each exiting 0', async () => {
    for (const proc of [...webs, ...workers]) proc.signal('SIGTERM');
    expect(await Promise.all([...webs, ...workers].map((proc) => proc.exited))).toEqual([0, 0, 0, 0]);
  }, 60_000);
});
