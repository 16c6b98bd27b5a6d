/**
 * Each turn of a batch is isolated: one person's effect that fails in the database is
 * taken back alone (its savepoint), that turn comes back `failed`, and everyone else in
 * the same transaction gets their real answer, with their states, outbox rows and audit
 * entries committed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLineMessages } from '../../channels/line/render.ts';
import { runTurns, type TurnRequest, type TurnResult } from '../../runtime/run-turn.ts';
import { findApplication } from '../../core/applications/application.repository.ts';
import type { ReceivedFile } from '../../core/applications/document.service.ts';
import { verifyAudit } from '../../core/audit/verify-audit.ts';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { loadConversations } from '../../core/conversation/conversation.repository.ts';
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

const services = () => ({ sql: db.sql, sealer, program });

async function participant() {
  return db.prisma.participant.create({ data: { lineUserId: `U${randomBytes(16).toString('hex')}` } });
}

const text = (participantId: string, said: string, extra: Partial<TurnRequest> = {}): TurnRequest => ({
  participantId, input: { type: 'text', text: said }, now: DURING, render: renderLineMessages, replyWindowMs: 50_000, ...extra,
});

/** A PDF sent with LINE message id `messageId`, fetched already. */
function pdf(participantId: string, messageId: string, extra: Partial<TurnRequest> = {}): TurnRequest {
  const content = Buffer.from(`%PDF-1.4 ${messageId}`);
  const file: ReceivedFile = { sourceMessageId: messageId, fileName: 'plan.pdf', content, sha256: createHash('sha256').update(content).digest('hex') };
  return text(participantId, '', {
    input: { type: 'file', fileName: 'plan.pdf', sizeBytes: content.length, isPdf: true, sourceMessageId: messageId }, files: [file], ...extra,
  });
}

/** Up to the plan document's question. */
const UNTIL_DOCUMENT = ['応募', '同意する', 'すでにある', '船橋市', 'まだ創業していない', '千葉 太郎', 'ちば たろう', 'taro@example.jp',
  '09012345678', '30代', '会社員', 'ちばラボ', '工房', 'その他', '概要', '課題'];

async function say(requests: TurnRequest[]): Promise<TurnResult[]> {
  const results = await runTurns(services(), requests);
  for (const result of results) expect(result.status).not.toBe('failed');
  return results;
}

const inbox = (id: string) => db.prisma.inboxEvent.create({ data: { webhookEventId: id, eventType: 'message', occurredAt: DURING, status: 'pending' } });
const rendered = (result: TurnResult | undefined) => JSON.stringify(result && 'rendered' in result ? result.rendered : null);

describe('a batch of turns', () => {
  it('takes back only the turn whose effect failed in the database; the others commit with their real answers', async () => {
    const [first, failing, submitting, starting, consenting] = await Promise.all(Array.from({ length: 5 }, participant));
    // `first` attaches its plan document sent as LINE message m-dup-…; later `failing` sends one
    // under the same message id, which the database refuses (a document comes from one message).
    const duplicate = `m-dup-${randomBytes(4).toString('hex')}`;
    for (const said of UNTIL_DOCUMENT) await say([text(first!.id, said), text(failing!.id, said), text(submitting!.id, said)]);
    await say([pdf(first!.id, duplicate), pdf(submitting!.id, `m-${randomBytes(4).toString('hex')}`)]);
    await say([text(submitting!.id, '受講した')]);
    await say([text(submitting!.id, 'SNS'), text(consenting!.id, '応募')]);

    const failingBefore = await findApplication(sqlClient(db.sql), sealer, program.contest.id, failing!.id);
    const stateBefore = (await loadConversations(sqlClient(db.sql), sealer, [failing!.id])).get(failing!.id)!.state;
    const auditBefore = await db.prisma.auditLog.count();
    const outboxBefore = await db.prisma.outboxMessage.count();
    const failingOutboxBefore = await db.prisma.outboxMessage.count({ where: { participantId: failing!.id } });
    const ids = ['iso-1', 'iso-2', 'iso-3', 'iso-4'].map((id) => `${id}-${randomBytes(4).toString('hex')}`);
    await Promise.all(ids.map(inbox));

    const results = await runTurns(services(), [
      text(starting!.id, '応募', { inboxEventId: ids[0] }),
      pdf(failing!.id, duplicate, { inboxEventId: ids[1] }),
      text(submitting!.id, 'x', { input: { type: 'choice', value: 'submit' }, inboxEventId: ids[2] }),
      text(consenting!.id, '同意する', { inboxEventId: ids[3] }),
    ]);

    // The failing turn: a failed result carrying the database's refusal, nothing of it kept.
    expect(results[1]).toMatchObject({ status: 'failed', error: expect.objectContaining({ code: '23505' }) });
    expect(await findApplication(sqlClient(db.sql), sealer, program.contest.id, failing!.id)).toEqual(failingBefore);
    expect(await db.prisma.applicationDocument.count({ where: { applicationId: failingBefore!.id } })).toBe(0);
    expect((await loadConversations(sqlClient(db.sql), sealer, [failing!.id])).get(failing!.id)!.state).toEqual(stateBefore);
    expect(await db.prisma.outboxMessage.count({ where: { participantId: failing!.id } })).toBe(failingOutboxBefore);
    expect((await db.prisma.inboxEvent.findUniqueOrThrow({ where: { webhookEventId: ids[1]! } })).status).toBe('failed');

    // Everyone else: their real answers, states, outbox rows and audit entries.
    expect(results[0]).toMatchObject({ status: 'done', outboxId: expect.any(String) });
    expect(rendered(results[0])).toContain('個人情報');
    expect(results[2]).toMatchObject({ status: 'done', outboxId: expect.any(String) });
    expect(rendered(results[2])).toMatch(/BC2026-\d{4}/);
    expect((await findApplication(sqlClient(db.sql), sealer, program.contest.id, submitting!.id))?.status).toBe('submitted');
    expect(results[3]).toMatchObject({ status: 'done', outboxId: expect.any(String) });
    expect((await findApplication(sqlClient(db.sql), sealer, program.contest.id, consenting!.id))?.status).toBe('draft');
    expect(await db.prisma.consent.count({ where: { participantId: consenting!.id, granted: true } })).toBe(1);
    expect((await loadConversations(sqlClient(db.sql), sealer, [starting!.id])).get(starting!.id)!.state.active?.stepId).toBe('consent');
    expect(await db.prisma.outboxMessage.count()).toBe(outboxBefore + 3);
    for (const id of [ids[0]!, ids[2]!, ids[3]!]) expect((await db.prisma.inboxEvent.findUniqueOrThrow({ where: { webhookEventId: id } })).status).toBe('processed');
    const written = await db.prisma.auditLog.findMany({ where: { id: { gt: BigInt(0) } }, orderBy: { id: 'asc' }, skip: auditBefore });
    expect(written.map((entry) => entry.action)).toEqual(expect.arrayContaining(['application.submitted', 'consent.granted', 'application.created']));
    expect(written.filter((entry) => entry.entityId === failingBefore!.id)).toEqual([]);
    expect(await verifyAudit(db.prisma)).toMatchObject({ ok: true });

    // The person whose turn failed carries on from where they were.
    const [again] = await say([pdf(failing!.id, `m-${randomBytes(4).toString('hex')}`)]);
    expect(rendered(again)).toContain('plan.pdf');
    expect(await db.prisma.applicationDocument.count({ where: { applicationId: failingBefore!.id } })).toBe(1);
  });

  it('still fails as a whole when something outside any one turn fails (a renderer), writing nothing', async () => {
    const [a, b] = await Promise.all([participant(), participant()]);
    const broken = text(b!.id, '応募', { render: () => { throw new Error('renderer broke'); } });
    await expect(runTurns(services(), [text(a!.id, '応募'), broken])).rejects.toThrow('renderer broke');
    expect(await db.prisma.conversation.count({ where: { participantId: { in: [a!.id, b!.id] } } })).toBe(0);
  });
});
