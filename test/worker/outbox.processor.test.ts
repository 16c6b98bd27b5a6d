import { sqlDb } from '../../core/db/pg-transaction.ts';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LineApi, singleChannel } from '../../bot/line/line-api.ts';
import { redisConnection } from '../../bot/redis-connection.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { createLogger } from '../../core/logger.ts';
import { createMetrics } from '../../core/metrics.ts';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { OutboxQueue } from '../../worker/outbox-queue.ts';
import { startOutboxWorker, type RunningWorker } from '../../worker/outbox-worker.ts';
import { outboxBackoff, RateLimitedError } from '../../worker/outbox.processor.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventually } from '../support/ouen-harness.ts';
import { validateLineRequest } from '../support/line-spec.ts';

/**
 * A LINE push endpoint that answers with the statuses a test scripts, then 200; it
 * remembers retry keys and answers a repeat with 409, as LINE does.
 */
class ScriptedLine {
  script: number[] = [];
  pushes: Array<{ retryKey: string | undefined; body: unknown; status: number }> = [];
  readonly #accepted = new Set<string>();
  server!: Server;

  async start(): Promise<string> {
    const app = express().use(express.json());
    app.post('/v2/bot/message/push', (req, res) => {
      const retryKey = req.get('x-line-retry-key');
      let status = this.script.shift() ?? 200;
      if (status === 200 && retryKey && this.#accepted.has(retryKey)) status = 409;
      if (status === 200 && retryKey) this.#accepted.add(retryKey);
      this.pushes.push({ retryKey, body: req.body, status });
      if (status === 429) res.set('retry-after', '1');
      res.status(status).json(status === 200 ? { sentMessages: [{ id: '1' }] } : { message: `status ${status}` });
    });
    this.server = await new Promise((resolve) => {
      const server = app.listen(0, '127.0.0.1', () => resolve(server));
    });
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }
}

let db: TestDatabase;
let line: ScriptedLine;
let queue: OutboxQueue;
let worker: RunningWorker;
const sealer = new Sealer(randomBytes(32));
const prefix = `ouen-test-${randomBytes(4).toString('hex')}`;
const connection = redisConnection('redis://127.0.0.1:6379');

beforeAll(async () => {
  db = await createTestDatabase();
  line = new ScriptedLine();
  const base = await line.start();
  queue = new OutboxQueue(connection, prefix);
  worker = startOutboxWorker({
    db: sqlDb(db.sql), sealer, logger: createLogger('silent'), metrics: createMetrics(), connection, prefix, queue,
    line: singleChannel(new LineApi({ channelAccessToken: 'token', apiBaseUrl: base, dataApiBaseUrl: base })),
    sweepEveryMs: 60_000,
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
  line.script = [];
  line.pushes = [];
});

async function pendingRow(options: { unreachable?: boolean } = {}) {
  const participant = await db.prisma.participant.create({
    data: { lineUserId: `U${randomBytes(16).toString('hex')}`, unreachableAt: options.unreachable ? new Date() : null },
  });
  const [id] = await createOutboxRows(db.prisma, sealer, [{
    participantId: participant.id, messages: [{ type: 'text', text: 'こんにちは' }], reason: 'test', notBefore: new Date(),
  }]);
  return { id: id!, participant };
}

const row = (id: string) => db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });

describe('outbox delivery', () => {
  it('pushes a due row once, with its retry key, in a body LINE accepts', async () => {
    const { id } = await pendingRow();
    await queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent');
    expect(line.pushes).toHaveLength(1);
    expect(line.pushes[0]!.retryKey).toBe((await row(id)).retryKey);
    expect(validateLineRequest('POST', '/v2/bot/message/push', line.pushes[0]!.body)).toEqual({ ok: true });
  });

  it('retries a 5xx with the same retry key until it goes through', async () => {
    line.script = [500, 503];
    const { id } = await pendingRow();
    await queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent', 15_000);
    expect(line.pushes.map((p) => p.status)).toEqual([500, 503, 200]);
    expect(new Set(line.pushes.map((p) => p.retryKey)).size).toBe(1);
    expect((await row(id)).attempts).toBe(3);
  });

  it('does not retry a 4xx other than 429 and marks the row failed', async () => {
    line.script = [400];
    const { id } = await pendingRow();
    await queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'failed');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(line.pushes).toHaveLength(1);
  });

  it('waits out a 429 and then delivers', async () => {
    line.script = [429];
    const { id } = await pendingRow();
    await queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent', 15_000);
    expect(line.pushes.map((p) => p.status)).toEqual([429, 200]);
  });

  it('takes a 409 (retry key seen before) as delivered, so a re-run sends nothing twice', async () => {
    const { id } = await pendingRow();
    await queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent');
    // A stalled job run again: the row is put back to pending, as if the first run died after the push.
    await db.prisma.outboxMessage.update({ where: { id }, data: { status: 'pending' } });
    await queue.queue.add('deliver', { outboxId: id }, { jobId: `${id}-again` });
    await eventually(async () => (await row(id)).status === 'sent' && line.pushes.length === 2);
    expect(line.pushes.map((p) => p.status)).toEqual([200, 409]);
  });

  it('skips a participant who blocked the account, without calling LINE', async () => {
    const { id } = await pendingRow({ unreachable: true });
    await queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'skipped');
    expect(line.pushes).toHaveLength(0);
  });

  it('rebuilds the queue from PostgreSQL: the sweeper enqueues due rows nobody queued', async () => {
    const { id } = await pendingRow();
    expect(await worker.sweep()).toBeGreaterThanOrEqual(1);
    await eventually(async () => (await row(id)).status === 'sent');
  });
});

describe('outboxBackoff', () => {
  it('grows exponentially, caps at a minute, and honours Retry-After', () => {
    expect([1, 2, 3, 10].map((n) => outboxBackoff(n, 'outbox', new Error('x')))).toEqual([1000, 2000, 4000, 60_000]);
    expect(outboxBackoff(1, 'outbox', new RateLimitedError(5000))).toBe(5000);
  });
});
