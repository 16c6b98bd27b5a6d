/**
 * Failed deliveries and their retry, with the real worker on real PostgreSQL and Redis
 * against the fake LINE platform, which keeps retry keys as LINE does and fails the pushes
 * a test asks it to: a retry never makes a person read a message twice, and a key LINE
 * never accepted is replaced.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { keyPlan, listFailedDeliveries, retryFailedDelivery } from '../../core/outbox/failed-deliveries.ts';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { program } from '../support/flow-harness.ts';
import { eventually } from '../support/ouen-harness.ts';
import { startWorkerFixture, type WorkerFixture } from '../support/worker-fixture.ts';

let f: WorkerFixture;
let now = new Date();

beforeAll(async () => {
  f = await startWorkerFixture({ clock: () => now });
});

afterAll(async () => {
  await f?.close();
});

beforeEach(() => {
  now = new Date();
});

/** A message to a new person, queued; returns the row and who it goes to. */
async function deliver(): Promise<{ id: string; lineUserId: string }> {
  const { participantId, lineUserId } = await f.lineParticipant();
  const [id] = await createOutboxRows(f.sql, f.sealer, [{
    participantId, content: { messages: [{ type: 'text', text: { literal: { ja: 'お知らせ', en: 'お知らせ' } } }] }, kind: 'staff-reply', notBefore: now,
  }], now);
  await f.queue.enqueue([id!]);
  return { id: id!, lineUserId };
}

const pushesTo = (lineUserId: string) => f.pushes().filter((p) => p.to === lineUserId);
/** What the person actually received. */
const delivered = (lineUserId: string) => f.line.botMessages(lineUserId);
const row = (id: string) => f.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
const retry = (id: string) => transactOn(f.db.sql)((tx) => retryFailedDelivery(tx, id, 'console:staff', now));

describe('a failed delivery', () => {
  it('keeps how it failed: the reason, and that LINE refused it outright', async () => {
    f.line.failNextPushes({ status: 400 });
    const { id } = await deliver();
    await eventually(async () => (await row(id)).status === 'failed');
    expect(await row(id)).toMatchObject({ attempts: 1, refusedAttempts: 1, lastError: 'LINE push failed with 400' });
    const { total, deliveries } = await listFailedDeliveries(f.sql, program.contest.id, { offset: 0, limit: 10 }, now);
    expect(total).toBeGreaterThanOrEqual(1);
    expect(deliveries.find((d) => d.id === id)).toMatchObject({ kind: 'staff-reply', lastError: 'LINE push failed with 400', keyPlan: 'renewed', channel: 'line', receiptNumber: null });
    expect(deliveries.find((d) => d.id === id)!.participant).toMatch(/^#[0-9a-f]{8}$/);
  });

  it('is sent again under a new retry key when LINE never accepted the old one, and arrives once', async () => {
    f.line.failNextPushes({ status: 400 });
    const { id, lineUserId } = await deliver();
    await eventually(async () => (await row(id)).status === 'failed');
    // The retry key is the id of the delivery request that carried the row.
    const oldKey = (await row(id)).requestId;
    expect(await retry(id)).toMatchObject({ status: 'retried', keyPlan: 'renewed' });
    const retried = await row(id);
    // It leaves its request: the worker plans a new one, under a new key.
    expect(retried).toMatchObject({ status: 'pending', attempts: 0, refusedAttempts: 0, firstAttemptAt: null, requestId: null });
    await f.queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent');
    expect(pushesTo(lineUserId).map((p) => [p.retryKey === oldKey ? 'old' : 'new', p.status])).toEqual([['old', 400], ['new', 200]]);
    expect(delivered(lineUserId)).toHaveLength(1);
  });

  it('keeps its key when LINE may have accepted an earlier attempt: LINE answers 409 and nothing arrives twice', async () => {
    // The first attempt was delivered but its answer was a 500; then the token was revoked.
    f.line.failNextPushes({ status: 500, delivered: true }, { status: 401 });
    const { id, lineUserId } = await deliver();
    await eventually(async () => (await row(id)).status === 'failed', 15_000);
    expect(await row(id)).toMatchObject({ attempts: 2, refusedAttempts: 1 });
    const key = (await row(id)).requestId;
    expect(await retry(id)).toMatchObject({ status: 'retried', keyPlan: 'kept' });
    // Its request is pending again, under the same key.
    expect((await row(id)).requestId).toBe(key);
    expect((await f.db.prisma.deliveryRequest.findUniqueOrThrow({ where: { id: key! } })).status).toBe('pending');
    await f.queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent');
    expect(pushesTo(lineUserId).map((p) => [p.retryKey === key, p.status])).toEqual([[true, 500], [true, 401], [true, 409]]);
    expect(delivered(lineUserId)).toHaveLength(1);
  });

  it('warns that LINE no longer remembers a key first used more than 24 hours ago', () => {
    const first = new Date('2026-11-28T00:00:00Z');
    expect(keyPlan({ attempts: 3, refusedAttempts: 1, firstAttemptAt: first }, new Date('2026-11-28T23:59:00Z'))).toBe('kept');
    expect(keyPlan({ attempts: 3, refusedAttempts: 1, firstAttemptAt: first }, new Date('2026-11-29T00:00:00Z'))).toBe('expired');
    expect(keyPlan({ attempts: 3, refusedAttempts: 3, firstAttemptAt: first }, new Date('2026-12-30T00:00:00Z'))).toBe('renewed');
    expect(keyPlan({ attempts: 2, refusedAttempts: 0, firstAttemptAt: null }, first)).toBe('expired');
  });

  it('moves only once when retried twice at the same moment, and not at all once it went out', async () => {
    f.line.failNextPushes({ status: 403 });
    const { id, lineUserId } = await deliver();
    await eventually(async () => (await row(id)).status === 'failed');
    const outcomes = await Promise.all([retry(id), retry(id)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['notFailed', 'retried']);
    await f.queue.enqueue([id]);
    await eventually(async () => (await row(id)).status === 'sent');
    expect(await retry(id)).toEqual({ status: 'notFailed' });
    expect(await retry('00000000-0000-4000-8000-000000000000')).toEqual({ status: 'notFound' });
    expect(delivered(lineUserId)).toHaveLength(1);
  });
});
