import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLineMessages } from '../../channels/line/render.ts';
import { runTurns, type TurnRequest } from '../../runtime/run-turn.ts';
import { verifyAudit } from '../../core/audit/verify-audit.ts';
import { findApplication } from '../../core/applications/application.repository.ts';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { DURING, program } from '../support/flow-harness.ts';

let db: TestDatabase;
const sealer = new Sealer(randomBytes(32));

beforeAll(async () => {
  db = await createTestDatabase();
  await syncContest(transactOn(db.sql), program, DURING);
});

afterAll(async () => {
  await db?.drop();
});

async function participant() {
  return db.prisma.participant.create({ data: { lineUserId: `U${randomBytes(16).toString('hex')}` } });
}

const turn = (participantId: string, text: string, extra: Partial<TurnRequest> = {}): TurnRequest => ({
  participantId, input: { type: 'text', text }, now: DURING, render: renderLineMessages, replyWindowMs: 50_000, ...extra,
});

const services = () => ({ sql: db.sql, sealer, program });

describe('runTurns', () => {
  it('advances many participants in one transaction, each with its own answer and outbox row', async () => {
    const people = await Promise.all(Array.from({ length: 20 }, participant));
    await runTurns(services(), people.map((p) => turn(p.id, '応募')));
    const results = await runTurns(services(), people.map((p) => turn(p.id, '同意する')));
    expect(results.every((r) => r.status === 'done' && r.outboxId)).toBe(true);
    for (const p of people) {
      const application = await findApplication(sqlClient(db.sql), sealer, program.contest.id, p.id);
      expect(application?.status).toBe('draft');
      expect(await db.prisma.consent.count({ where: { participantId: p.id, granted: true } })).toBe(1);
    }
    expect(await db.prisma.outboxMessage.count({ where: { participantId: { in: people.map((p) => p.id) } } })).toBe(40);
    expect(await verifyAudit(db.prisma)).toMatchObject({ ok: true });
  });

  it('mixes deferred saves and effects that need the row, such as a submission, in one batch', async () => {
    const [a, b] = await Promise.all([participant(), participant()]);
    const script = ['応募', '同意する', 'すでにある', '船橋市', 'まだ創業していない', '千葉 太郎', 'ちば たろう', 'taro@example.jp',
      '09012345678', '30代', '会社員', 'ちばラボ', '工房', 'その他', '概要', '課題', 'あとで送る', '受講した', 'SNS'];
    for (const text of script) await runTurns(services(), [turn(a.id, text), turn(b.id, text)]);
    const results = await runTurns(services(), [
      turn(a.id, 'x', { input: { type: 'choice', value: 'submit' } }),
      turn(b.id, 'x', { input: { type: 'choice', value: 'change:phone' } }),
    ]);
    expect(JSON.stringify(results[0])).toMatch(/BC2026-\d{4}/);
    expect((await findApplication(sqlClient(db.sql), sealer, program.contest.id, a.id))?.status).toBe('submitted');
    expect((await findApplication(sqlClient(db.sql), sealer, program.contest.id, b.id))?.status).toBe('draft');
  });

  it('skips turns whose inbox event was consumed already', async () => {
    const p = await participant();
    await db.prisma.inboxEvent.create({ data: { webhookEventId: 'evt-dup', eventType: 'message', occurredAt: DURING, status: 'processed' } });
    const [result] = await runTurns(services(), [turn(p.id, '応募', { inboxEventId: 'evt-dup' })]);
    expect(result).toEqual({ status: 'duplicate' });
    expect(await db.prisma.conversation.count({ where: { participantId: p.id } })).toBe(0);
  });

  it('refuses two turns of one participant in a batch', async () => {
    const p = await participant();
    await expect(runTurns(services(), [turn(p.id, '応募'), turn(p.id, '応募')])).rejects.toThrow(/one turn per participant/);
  });

  it('writes nothing at all when any turn of the batch fails', async () => {
    const [a, b] = await Promise.all([participant(), participant()]);
    const before = await db.prisma.outboxMessage.count();
    const failing = turn(b.id, '応募', { render: () => { throw new Error('renderer broke'); } });
    await expect(runTurns(services(), [turn(a.id, '応募'), failing])).rejects.toThrow('renderer broke');
    expect(await db.prisma.outboxMessage.count()).toBe(before);
    expect(await db.prisma.conversation.count({ where: { participantId: { in: [a.id, b.id] } } })).toBe(0);
  });
});
