import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { eventually } from '../support/ouen-harness.ts';
import { validateLineRequest } from '../support/line-spec.ts';
import { startWorkerFixture, type WorkerFixture } from '../support/worker-fixture.ts';

let f: WorkerFixture;

beforeAll(async () => {
  f = await startWorkerFixture();
});

afterAll(async () => {
  await f?.close();
});

async function pendingRow(options: { unreachable?: boolean } = {}) {
  const { participantId, lineUserId } = await f.lineParticipant(options);
  const [id] = await createOutboxRows(f.sql, f.sealer, [{
    participantId, content: { messages: [{ type: 'text', text: { literal: { ja: 'こんにちは', en: 'こんにちは' } } }] }, kind: 'test', notBefore: new Date(),
  }], new Date());
  return { id: id!, lineUserId };
}

const row = (id: string) => f.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
const pushesTo = (lineUserId: string) => f.pushes().filter((p) => p.to === lineUserId);

describe('outbox delivery', () => {
  it('pushes a due row once, with its retry key, in a body LINE accepts', async () => {
    const { id, lineUserId } = await pendingRow();
    await f.queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent');
    const pushes = pushesTo(lineUserId);
    expect(pushes.map((p) => p.status)).toEqual([200]);
    // The retry key is the id of the delivery request written before the call.
    expect(pushes[0]!.retryKey).toBe((await row(id)).requestId);
    expect(validateLineRequest('POST', '/v2/bot/message/push', pushes[0]!.request.body)).toEqual({ ok: true });
    expect(f.line.transcript(lineUserId).map((e) => e.from === 'bot' && e.via)).toEqual(['push']);
  });

  it('retries a 5xx with the same retry key until it goes through', async () => {
    const { id, lineUserId } = await pendingRow();
    f.line.failNextPushes({ status: 500 }, { status: 503 });
    await f.queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent', 15_000);
    const pushes = pushesTo(lineUserId);
    expect(pushes.map((p) => p.status)).toEqual([500, 503, 200]);
    expect(new Set(pushes.map((p) => p.retryKey)).size).toBe(1);
    expect(await row(id)).toMatchObject({ attempts: 3, lastError: null });
  });

  it('does not retry a 4xx other than 429: the row fails for good, with a status line and never LINE\'s text as its reason', async () => {
    const { id, lineUserId } = await pendingRow();
    f.line.failNextPushes({ status: 400 });
    await f.queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'failed');
    // Its request failed for good with it: nothing waits for a retry.
    const { requestId } = await row(id);
    expect(await f.db.prisma.deliveryRequest.findUniqueOrThrow({ where: { id: requestId! } })).toMatchObject({ status: 'failed', lastError: 'LINE push failed with 400' });
    expect(pushesTo(lineUserId).map((p) => p.status)).toEqual([400]);
    expect((await row(id)).lastError).toBe('LINE push failed with 400');
  });

  it('waits out a 429 and then delivers', async () => {
    const { id, lineUserId } = await pendingRow();
    f.line.failNextPushes({ status: 429 });
    await f.queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent', 15_000);
    expect(pushesTo(lineUserId).map((p) => p.status)).toEqual([429, 200]);
  });

  it('takes a 409 (retry key seen before) as delivered, so a re-run sends nothing twice', async () => {
    const { id, lineUserId } = await pendingRow();
    await f.queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent');
    // A stalled job run again: the row and its request are put back to pending, as if the first run died after the push.
    const { requestId } = await row(id);
    const request = await f.db.prisma.deliveryRequest.update({ where: { id: requestId! }, data: { status: 'pending' } });
    await f.db.prisma.outboxMessage.update({ where: { id }, data: { status: 'pending' } });
    await f.queue.sendQueue.add('send', { batchId: request.batchId }, { jobId: randomUUID() });
    await eventually(async () => (await row(id)).status === 'sent' && pushesTo(lineUserId).length === 2);
    expect(pushesTo(lineUserId).map((p) => p.status)).toEqual([200, 409]);
    expect(f.line.botMessages(lineUserId)).toHaveLength(1);
  });

  it('skips a participant who blocked the account, without calling LINE', async () => {
    const { id, lineUserId } = await pendingRow({ unreachable: true });
    await f.queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'skipped');
    expect(pushesTo(lineUserId)).toHaveLength(0);
  });

  it('rebuilds the queue from PostgreSQL: the dispatcher finds due rows nobody queued', async () => {
    const { id } = await pendingRow();
    expect((await f.worker.dispatch()).rows).toBeGreaterThanOrEqual(1);
    await eventually(async () => (await row(id)).status === 'sent');
  });

  it('after a Redis wipe, a worker started again finds every due row: its dispatch scheduler is re-created at start', async () => {
    const { id, lineUserId } = await pendingRow();
    await f.restartWorker({ wipeRedis: true });
    await eventually(async () => (await row(id)).status === 'sent');
    expect(pushesTo(lineUserId).map((p) => p.status)).toEqual([200]);
    expect((await f.queue.queue.getJobSchedulers()).map((s) => s.key)).toContain('outbox-dispatch');
  });

  it('hands over again a request written before a crash whose send job is gone (a Redis wipe)', async () => {
    const { id, lineUserId } = await pendingRow();
    // Planned, as a dispatcher that died before handing the batch to the queue would leave it.
    const batchId = randomUUID();
    const requestId = randomUUID();
    await f.db.prisma.deliveryRequest.create({ data: { id: requestId, endpoint: 'push', batchId, createdAt: new Date() } });
    await f.db.prisma.outboxMessage.update({ where: { id }, data: { requestId } });
    await f.worker.dispatch();
    await eventually(async () => (await row(id)).status === 'sent');
    expect(pushesTo(lineUserId).map((p) => [p.status, p.retryKey])).toEqual([[200, requestId]]);
  });
});
