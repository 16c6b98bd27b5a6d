/**
 * Failed deliveries and their retry, with the real worker on real PostgreSQL and Redis
 * against a LINE push endpoint that keeps retry keys as LINE does: a retry never makes a
 * person read a message twice, and a key LINE never accepted is replaced.
 */
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LineApi, singleChannel } from '../../bot/line/line-api.ts';
import { redisConnection } from '../../bot/redis-connection.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlDb, transactOn } from '../../core/db/pg-transaction.ts';
import { createLogger } from '../../core/logger.ts';
import { createMetrics } from '../../core/metrics.ts';
import { keyPlan, listFailedDeliveries, retryFailedDelivery } from '../../core/outbox/failed-deliveries.ts';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { OutboxQueue } from '../../worker/outbox-queue.ts';
import { startOutboxWorker, type RunningWorker } from '../../worker/outbox-worker.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { program } from '../support/flow-harness.ts';
import { eventually } from '../support/ouen-harness.ts';

/**
 * LINE's push: answers each request with the next scripted step, then 200. A step may
 * accept the message and still fail the response (LINE delivered, the answer was lost:
 * what a 5xx or a timeout can hide). An accepted key is answered 409 ever after, except
 * that a 401 (a revoked token) comes first: LINE authenticates before anything else.
 */
class KeyKeepingLine {
  script: Array<{ status: number; accepts?: boolean }> = [];
  pushes: Array<{ retryKey: string; status: number }> = [];
  delivered: string[] = [];
  readonly #accepted = new Set<string>();
  server!: Server;

  async start(): Promise<string> {
    const app = express().use(express.json());
    app.post('/v2/bot/message/push', (req, res) => {
      const retryKey = req.get('x-line-retry-key')!;
      const step = this.script.shift() ?? { status: 200, accepts: true };
      let status = step.status;
      if (status !== 401 && this.#accepted.has(retryKey)) status = 409;
      else if (step.accepts ?? status === 200) {
        this.#accepted.add(retryKey);
        this.delivered.push(retryKey);
      }
      this.pushes.push({ retryKey, status });
      res.status(status).json(status === 200 ? { sentMessages: [{ id: '1' }] } : { message: `status ${status}` });
    });
    this.server = await new Promise((resolve) => {
      const server = app.listen(0, '127.0.0.1', () => resolve(server));
    });
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }
}

let db: TestDatabase;
let line: KeyKeepingLine;
let queue: OutboxQueue;
let worker: RunningWorker;
const sealer = new Sealer(randomBytes(32));
const prefix = `ouen-test-${randomBytes(4).toString('hex')}`;
const connection = redisConnection('redis://127.0.0.1:6379');
let now = new Date();

beforeAll(async () => {
  db = await createTestDatabase();
  line = new KeyKeepingLine();
  const base = await line.start();
  queue = new OutboxQueue(connection, prefix);
  worker = startOutboxWorker({
    db: sqlDb(db.sql), sealer, logger: createLogger('silent'), metrics: createMetrics(), connection, prefix, queue,
    line: singleChannel(new LineApi({ channelAccessToken: 'token', apiBaseUrl: base, dataApiBaseUrl: base })),
    sweepEveryMs: 60_000, clock: () => now,
  });
});

afterAll(async () => {
  await worker?.close();
  await queue?.queue.obliterate({ force: true });
  await queue?.close();
  line?.server.close();
  await db?.drop();
});

beforeEach(() => {
  now = new Date();
  line.script = [];
  line.pushes = [];
  line.delivered = [];
});

async function deliver(): Promise<string> {
  const participant = await db.prisma.participant.create({ data: { lineUserId: `U${randomBytes(16).toString('hex')}` } });
  const [id] = await createOutboxRows(db.prisma, sealer, [{
    participantId: participant.id, messages: [{ type: 'text', text: 'お知らせ' }], reason: 'staff-reply', notBefore: now,
  }]);
  await queue.enqueue([id!]);
  return id!;
}

const row = (id: string) => db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
const retry = (id: string) => transactOn(db.sql)((tx) => retryFailedDelivery(tx, id, 'console:staff', now));

describe('a failed delivery', () => {
  it('keeps how it failed: the reason, and that LINE refused it outright', async () => {
    line.script = [{ status: 400 }];
    const id = await deliver();
    await eventually(async () => (await row(id)).status === 'failed');
    expect(await row(id)).toMatchObject({ attempts: 1, refusedAttempts: 1, lastError: 'LINE push failed with 400' });
    const { total, deliveries } = await listFailedDeliveries(sqlDb(db.sql), program.contest.id, { offset: 0, limit: 10 }, now);
    expect(total).toBeGreaterThanOrEqual(1);
    expect(deliveries.find((d) => d.id === id)).toMatchObject({ reason: 'staff-reply', lastError: 'LINE push failed with 400', keyPlan: 'renewed', channel: 'line', receiptNumber: null });
    expect(deliveries.find((d) => d.id === id)!.participant).toMatch(/^#[0-9a-f]{8}$/);
  });

  it('is sent again under a new retry key when LINE never accepted the old one, and arrives once', async () => {
    line.script = [{ status: 400 }];
    const id = await deliver();
    await eventually(async () => (await row(id)).status === 'failed');
    const oldKey = (await row(id)).retryKey;
    expect(await retry(id)).toMatchObject({ status: 'retried', keyPlan: 'renewed' });
    const retried = await row(id);
    expect(retried).toMatchObject({ status: 'pending', attempts: 0, refusedAttempts: 0, firstAttemptAt: null });
    expect(retried.retryKey).not.toBe(oldKey);
    // The failed job is gone from the queue, so the row can be queued again under its id.
    await queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent');
    expect(line.pushes.map((p) => [p.retryKey === oldKey ? 'old' : 'new', p.status])).toEqual([['old', 400], ['new', 200]]);
    expect(line.delivered).toHaveLength(1);
  });

  it('keeps its key when LINE may have accepted an earlier attempt: LINE answers 409 and nothing arrives twice', async () => {
    // The first attempt was delivered but its answer was a 500; then the token was revoked.
    line.script = [{ status: 500, accepts: true }, { status: 401 }];
    const id = await deliver();
    await eventually(async () => (await row(id)).status === 'failed', 15_000);
    expect(await row(id)).toMatchObject({ attempts: 2, refusedAttempts: 1 });
    const key = (await row(id)).retryKey;
    expect(await retry(id)).toMatchObject({ status: 'retried', keyPlan: 'kept' });
    expect((await row(id)).retryKey).toBe(key);
    await queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent');
    expect(line.pushes.map((p) => [p.retryKey === key, p.status])).toEqual([[true, 500], [true, 401], [true, 409]]);
    expect(line.delivered).toEqual([key]);
  });

  it('warns that LINE no longer remembers a key first used more than 24 hours ago', () => {
    const first = new Date('2026-11-28T00:00:00Z');
    expect(keyPlan({ attempts: 3, refusedAttempts: 1, firstAttemptAt: first }, new Date('2026-11-28T23:59:00Z'))).toBe('kept');
    expect(keyPlan({ attempts: 3, refusedAttempts: 1, firstAttemptAt: first }, new Date('2026-11-29T00:00:00Z'))).toBe('expired');
    expect(keyPlan({ attempts: 3, refusedAttempts: 3, firstAttemptAt: first }, new Date('2026-12-30T00:00:00Z'))).toBe('renewed');
    expect(keyPlan({ attempts: 2, refusedAttempts: 0, firstAttemptAt: null }, first)).toBe('expired');
  });

  it('moves only once when retried twice at the same moment, and not at all once it went out', async () => {
    line.script = [{ status: 403 }];
    const id = await deliver();
    await eventually(async () => (await row(id)).status === 'failed');
    const outcomes = await Promise.all([retry(id), retry(id)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['notFailed', 'retried']);
    await queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent');
    expect(await retry(id)).toEqual({ status: 'notFailed' });
    expect(await retry('00000000-0000-4000-8000-000000000000')).toEqual({ status: 'notFound' });
    expect(line.delivered).toHaveLength(1);
  });
});
