/**
 * The judging service's rules on real PostgreSQL, and the guards the migration adds
 * beneath them: a judge list per round, recusal, reopening, publishing twice at once,
 * held messages the worker never takes, and constraints that hold even when the
 * service is bypassed.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { judgingSchema } from '../../core/judging/judging-config.ts';
import { JudgingRefusal } from '../../core/judging/judging-errors.ts';
import * as judging from '../../core/judging/judging.service.ts';
import { dueOutboxIds } from '../../core/outbox/outbox.repository.ts';
import type { Program } from '../../core/program/load-program.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { program as defaultProgram } from '../support/flow-harness.ts';
import { sampleAnswers, seedApplication } from '../support/seed-applications.ts';

const AFTER_DEADLINE = new Date('2027-04-10T10:00:00+09:00');
const sealer = new Sealer(randomBytes(32));
/** Judge C is on the roster but not assigned to the document screening. */
const program: Program = {
  ...defaultProgram,
  judging: judgingSchema.parse({
    ...defaultProgram.judging,
    rounds: defaultProgram.judging.rounds.map((r) => (r.id === 'document' ? { ...r, judges: ['judge-a', 'judge-b'] } : r)),
  }),
};

let db: TestDatabase;
let deps: judging.JudgingDeps;
const refusal = (code: string) => expect.objectContaining({ name: 'JudgingRefusal', code });

beforeAll(async () => {
  db = await createTestDatabase();
  await syncContest(transactOn(db.sql), program, AFTER_DEADLINE);
  for (let i = 1; i <= 3; i++) {
    await seedApplication(db.prisma, sealer, { receipt: `BC2026-000${i}`, status: 'submitted', answers: sampleAnswers(`応募 ${i}`, '柏市', 'no') });
  }
  deps = { db: sqlClient(db.sql), transact: transactOn(db.sql), sealer, program, clock: () => AFTER_DEADLINE };
});

afterAll(async () => {
  await db?.drop();
});

const all = (value: number) => ({ feasibility: value, profitability: value, regional: value, originality: value });

describe('judging rules', () => {
  it('lets only the judges assigned to a round score it, and keeps a recused sheet out of the tally', async () => {
    expect(await judging.openRound(deps, 'console:staff', 'document')).toEqual({ entrants: 3, judges: 2 });
    await expect(judging.saveJudgeSheet(deps, 'console:judge-c', { receipt: 'BC2026-0001', scores: all(5) })).rejects.toEqual(refusal('notAssigned'));
    for (const r of ['BC2026-0001', 'BC2026-0002', 'BC2026-0003']) {
      await judging.saveJudgeSheet(deps, 'console:judge-a', { receipt: r, scores: all(r.endsWith('1') ? 5 : 2) });
      await judging.saveJudgeSheet(deps, 'console:judge-b', { receipt: r, scores: all(3) });
    }
    // Judge B recuses from the first: only judge A's 5s count there.
    await judging.saveJudgeSheet(deps, 'console:judge-b', { receipt: 'BC2026-0001', recused: true });
    await expect(judging.saveJudgeSheet(deps, 'console:judge-b', { receipt: 'BC2026-0001', scores: all(1) })).rejects.toEqual(refusal('recused'));
    const ranking = await judging.roundRanking(deps, 'document');
    const first = ranking.entrants.find((e) => e.receipt === 'BC2026-0001')!;
    expect(first).toMatchObject({ score: 100, rank: 1, recused: 1, missing: 0 });
    // Undone, the recusal keeps the sheet it had: judge B's 3s count again.
    await judging.saveJudgeSheet(deps, 'console:judge-b', { receipt: 'BC2026-0001', recused: false });
    expect((await judging.roundRanking(deps, 'document')).entrants.find((e) => e.receipt === 'BC2026-0001')!.score).toBe(75);
  });

  it('refuses a score outside the scale or for a criterion the round does not have, saving nothing', async () => {
    await expect(judging.saveJudgeSheet(deps, 'console:judge-a', { receipt: 'BC2026-0002', scores: { ...all(2), feasibility: 6 } })).rejects.toEqual(refusal('badScore'));
    await expect(judging.saveJudgeSheet(deps, 'console:judge-a', { receipt: 'BC2026-0002', scores: { charm: 3 } })).rejects.toEqual(refusal('unknownCriterion'));
    expect((await judging.roundRanking(deps, 'document')).entrants.find((e) => e.receipt === 'BC2026-0002')!.score).toBe(37.5);
  });

  it('refuses a comment holding an Individual Number, saving nothing', async () => {
    const before = await db.prisma.judgingScore.findMany({ orderBy: [{ applicationId: 'asc' }, { judgeId: 'asc' }] });
    await expect(judging.saveJudgeSheet(deps, 'console:judge-a', { receipt: 'BC2026-0003', scores: all(1), comment: '番号 4231-9605-6805 の方' }))
      .rejects.toEqual(refusal('myNumber'));
    expect(await db.prisma.judgingScore.findMany({ orderBy: [{ applicationId: 'asc' }, { judgeId: 'asc' }] })).toEqual(before);
  });

  it('publishes once when two staff members publish at the same moment, and holds the messages from the worker', async () => {
    await judging.closeRound(deps, 'console:staff', 'document');
    await judging.decideByRanking(deps, 'console:staff', 'document');
    const results = await Promise.allSettled([
      judging.publishDecisions(deps, 'console:staff-1', 'document'),
      judging.publishDecisions(deps, 'console:staff-2', 'document'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(JudgingRefusal);
    expect(await db.prisma.outboxMessage.count({ where: { status: 'held' } })).toBe(3);
    expect(await dueOutboxIds(deps.db, new Date('2030-01-01T00:00:00Z'), 100)).toEqual([]);
  });

  it('does not reopen a round whose results await approval', async () => {
    await expect(judging.openRound(deps, 'console:staff', 'document')).rejects.toEqual(refusal('roundHasPublished'));
  });
});

describe('the guards beneath the service', () => {
  const violates = (sql: string) => expect(db.sql.query(sql)).rejects.toThrow(/violates|duplicate key/);

  it('allow one open round per contest', async () => {
    await db.sql.query(`INSERT INTO "JudgingRound" ("contestId", "roundId", "status", "judges", "openedBy", "openedAt") VALUES ('guard-test', 'document', 'open', '{}', 'x', now())`);
    await violates(`INSERT INTO "JudgingRound" ("contestId", "roundId", "status", "judges", "openedBy", "openedAt") VALUES ('guard-test', 'final', 'open', '{}', 'x', now())`);
    await violates(`INSERT INTO "JudgingRound" ("contestId", "roundId", "status", "judges", "openedBy", "openedAt") VALUES ('guard-test', 'semifinal', 'closed', '{}', 'x', now())`);
  });

  it('allow only the outcomes a round has, and one publication awaiting approval per round', async () => {
    const [application] = (await db.sql.query<{ id: string }>(`SELECT "id" FROM "Application" LIMIT 1`)).rows;
    await violates(`INSERT INTO "Decision" ("contestId", "roundId", "applicationId", "outcome", "markedBy", "markedAt") VALUES ('guard-test', 'document', '${application!.id}', 'grand', 'x', now())`);
    await violates(`INSERT INTO "Approval" ("id", "kind", "subject", "contestId", "roundId", "draftedBy", "draftedAt", "messages")
      SELECT gen_random_uuid(), 'judging-results', "subject", "contestId", "roundId", 'x', now(), 0 FROM "Approval" WHERE "status" = 'awaiting' LIMIT 1`);
  });

  it('never hold a message outside a publication', async () => {
    const [participant] = (await db.sql.query<{ id: string }>(`SELECT "id" FROM "Participant" LIMIT 1`)).rows;
    await violates(`INSERT INTO "OutboxMessage" ("id", "participantId", "contentSealed", "retryKey", "kind", "status")
      VALUES (gen_random_uuid(), '${participant!.id}', 'x', gen_random_uuid(), 'test', 'held')`);
  });
});

describe('the final', () => {
  let final: TestDatabase;
  let f: judging.JudgingDeps;
  const approver = { actor: 'console:approver', roles: ['approver' as const] };

  beforeAll(async () => {
    final = await createTestDatabase();
    await syncContest(transactOn(final.sql), program, AFTER_DEADLINE);
    for (let i = 1; i <= 4; i++) {
      await seedApplication(final.prisma, sealer, { receipt: `BC2026-000${i}`, status: 'submitted', answers: sampleAnswers(`応募 ${i}`, '柏市', 'no') });
    }
    f = { db: sqlClient(final.sql), transact: transactOn(final.sql), sealer, program, clock: () => AFTER_DEADLINE };
    // Everyone passes the two screenings (decided by hand, published, approved).
    for (const round of ['document', 'presentation'] as const) {
      await judging.openRound(f, 'console:staff', round);
      await judging.closeRound(f, 'console:staff', round);
      for (let i = 1; i <= 4; i++) await judging.markDecision(f, 'console:staff', round, `BC2026-000${i}`, 'pass');
      const publication = await judging.publishDecisions(f, 'console:staff', round);
      await judging.answerPublication(f, approver, publication.id, true);
    }
    await judging.openRound(f, 'console:staff', 'final');
    for (const judge of ['judge-a', 'judge-b', 'judge-c']) {
      for (const [i, overall] of [9, 8, 7, 7].entries()) await judging.saveJudgeSheet(f, `console:${judge}`, { receipt: `BC2026-000${i + 1}`, scores: { overall } });
    }
    await judging.closeRound(f, 'console:staff', 'final');
  });

  afterAll(async () => {
    await final?.drop();
  });

  it('never awards more than one grand prize and two excellence prizes, however results are marked', async () => {
    // Third place is tied: the committee gives both an excellence prize by hand…
    await judging.markDecision(f, 'console:staff', 'final', 'BC2026-0003', 'excellence');
    await judging.markDecision(f, 'console:staff', 'final', 'BC2026-0004', 'excellence');
    // …so the ranking cannot add a third one for second place.
    await expect(judging.decideByRanking(f, 'console:staff', 'final')).rejects.toEqual(refusal('tooManyPrizes'));
    await judging.markDecision(f, 'console:staff', 'final', 'BC2026-0004', 'none');
    expect(await judging.decideByRanking(f, 'console:staff', 'final')).toEqual({ marked: 2, undecided: ['BC2026-0003', 'BC2026-0004'] });
    const publication = await judging.publishDecisions(f, 'console:staff', 'final');
    expect(publication.outcomes).toEqual({ grand: 1, excellence: 2, none: 1 });
  });

  it('refuses a change of the audience vote once the results await approval', async () => {
    await expect(judging.recordVotes(f, 'console:staff', 'BC2026-0001', 10)).rejects.toEqual(refusal('decisionFrozen'));
  });
});
