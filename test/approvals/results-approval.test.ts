/**
 * A round's results through the one approval mechanism, on real PostgreSQL: held under an
 * approval of kind `judging-results`, refused when the month's LINE quota cannot carry
 * them (nothing released, the decisions still awaiting), never approved by their drafter,
 * and released by another approver.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import * as judging from '../../core/judging/judging.service.ts';
import { roundJudges } from '../../core/judging/judging-config.ts';
import type { QuotaReading } from '../../core/approvals/message-quota.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { program } from '../support/flow-harness.ts';
import { sampleAnswers, seedApplication } from '../support/seed-applications.ts';

const AFTER_DEADLINE = new Date('2027-04-10T10:00:00+09:00');
const sealer = new Sealer(randomBytes(32));
let db: TestDatabase;
let deps: judging.JudgingDeps;
let quota: QuotaReading = { limit: 1, used: 0 };
let approvalId: string;
const approver = { actor: 'console:approver', roles: ['approver' as const] };

beforeAll(async () => {
  db = await createTestDatabase();
  await syncContest(transactOn(db.sql), program, AFTER_DEADLINE);
  for (const i of [1, 2]) await seedApplication(db.prisma, sealer, { receipt: `BC2026-000${i}`, status: 'submitted', answers: sampleAnswers(`応募 ${i}`, '柏市', 'no') });
  deps = { db: sqlClient(db.sql), transact: transactOn(db.sql), sealer, program, clock: () => AFTER_DEADLINE, quota: async () => quota };
  await judging.openRound(deps, 'console:staff', 'document');
  const criteria = judging.roundConfig(program, 'document').criteria;
  for (const judge of roundJudges(program.judging, judging.roundConfig(program, 'document'))) {
    for (const [receipt, score] of [['BC2026-0001', 5], ['BC2026-0002', 1]] as const) {
      await judging.saveJudgeSheet(deps, `console:${judge}`, { receipt, scores: Object.fromEntries(criteria.map((c) => [c.id, Math.max(c.scale.min, Math.min(c.scale.max, score))])) });
    }
  }
  await judging.closeRound(deps, 'console:staff', 'document');
  await judging.decideByRanking(deps, 'console:staff', 'document');
  approvalId = (await judging.publishDecisions(deps, 'console:staff', 'document')).id;
});

afterAll(async () => {
  await db?.drop();
});

const held = () => db.prisma.outboxMessage.count({ where: { approvalId, status: 'held' } });

describe('results through an approval', () => {
  it('are one approval of kind judging-results, its messages held in its send', async () => {
    const approval = await db.prisma.approval.findUniqueOrThrow({ where: { id: approvalId } });
    expect(approval).toMatchObject({ kind: 'judging-results', subject: `${program.contest.id}:document`, contestId: program.contest.id, roundId: 'document', status: 'awaiting', draftedBy: 'console:staff', messages: 2 });
    expect(await held()).toBe(2);
    expect(await db.prisma.outboxMessage.count({ where: { approvalId, sendId: approval.sendId! } })).toBe(2);
  });

  it('are refused when the month\'s LINE quota cannot carry them: nothing released, the decisions still awaiting', async () => {
    await expect(judging.answerPublication(deps, approver, approvalId, true)).rejects.toMatchObject({ name: 'ApprovalRefusal', code: 'quotaExceeded', params: { billed: 2, remaining: 1 } });
    expect(await held()).toBe(2);
    expect((await db.prisma.decision.findMany({ where: { approvalId } })).map((d) => d.status)).toEqual(['awaiting', 'awaiting']);
  });

  it('are never approved by their drafter, and go out when another approver approves', async () => {
    quota = { limit: null, used: 5000 };
    await expect(judging.answerPublication(deps, { actor: 'console:staff', roles: ['approver'] }, approvalId, true)).rejects.toMatchObject({ name: 'JudgingRefusal', code: 'ownDraft' });
    const { roundId, released } = await judging.answerPublication(deps, approver, approvalId, true);
    expect(roundId).toBe('document');
    expect(released).toHaveLength(2);
    expect(await db.prisma.approval.findUniqueOrThrow({ where: { id: approvalId } })).toMatchObject({ status: 'approved', decidedBy: 'console:approver' });
    expect((await db.prisma.decision.findMany({ where: { approvalId } })).map((d) => d.status)).toEqual(['published', 'published']);
    expect((await db.prisma.auditLog.findMany({ where: { entityId: approvalId }, orderBy: { id: 'asc' } })).map((a) => a.action)).toEqual(['publication.drafted', 'approval.approved']);
  });
});
