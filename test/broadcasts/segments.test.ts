/**
 * Segments pick the right people on real PostgreSQL: applicants by status, a judging
 * round's entrants, event registrants and the waitlist, news consent, and followers who
 * have not blocked the account or refused news.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { NEWS_PURPOSE, registerSegment, segmentById, segmentIds, segmentRecipients, type SegmentChoice } from '../../core/segments/segment-registry.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { program } from '../support/flow-harness.ts';
import { sampleAnswers, seedApplication } from '../support/seed-applications.ts';

const NOW = new Date('2026-12-08T10:00:00+09:00');
const sealer = new Sealer(randomBytes(32));
let db: TestDatabase;
const ids: Record<string, string> = {};

const pick = async (choice: SegmentChoice) => (await segmentRecipients(sqlClient(db.sql), program, choice))?.slice().sort() ?? null;
const who = (...names: string[]) => names.map((n) => ids[n]!).sort();

async function person(name: string, options: { unreachable?: boolean; application?: 'draft' | 'submitted' | 'withdrawn'; receipt?: string } = {}) {
  const lineUserId = `U${randomBytes(16).toString('hex')}`;
  if (options.application) {
    await seedApplication(db.prisma, sealer, { receipt: options.receipt ?? null, status: options.application, answers: sampleAnswers(name, '柏市', 'no'), lineUserId });
    ids[name] = (await db.prisma.participant.findUniqueOrThrow({ where: { lineUserId } })).id;
  } else {
    ids[name] = (await db.prisma.participant.create({ data: { lineUserId } })).id;
  }
  if (options.unreachable) await db.prisma.participant.update({ where: { id: ids[name] }, data: { unreachableAt: NOW } });
}

async function consent(name: string, granted: boolean, at: string) {
  await db.prisma.consent.create({ data: { participantId: ids[name]!, purpose: NEWS_PURPOSE, noticeVersion: '1', granted, decidedAt: new Date(at) } });
}

beforeAll(async () => {
  db = await createTestDatabase();
  await syncContest(transactOn(db.sql), program, NOW);
  await person('submitted', { application: 'submitted', receipt: 'BC2026-0001' });
  await person('passed', { application: 'submitted', receipt: 'BC2026-0002' });
  await person('draft', { application: 'draft' });
  await person('withdrawn', { application: 'withdrawn', receipt: 'BC2026-0003' });
  await person('registered');
  await person('waiting');
  await person('blocked', { unreachable: true });
  await person('refuser');
  const event = program.event!;
  await db.prisma.event.create({ data: { id: event.id, capacity: 1, registeredCount: 1, opensAt: new Date('2026-12-01'), closesAt: new Date('2027-01-20'), startsAt: new Date('2027-01-25'), createdAt: NOW, updatedAt: NOW } });
  for (const [name, status] of [['registered', 'registered'], ['waiting', 'waitlisted'], ['refuser', 'cancelled']] as const) {
    await db.prisma.eventRegistration.create({ data: {
      id: randomUUID(), eventId: event.id, participantId: ids[name]!, status, attendeeType: 'general', answersSealed: 'x', ticketNonce: 'n',
      joinedAt: NOW, createdAt: NOW, updatedAt: NOW, cancelledAt: status === 'cancelled' ? NOW : null,
    } });
  }
  // The document screening passed one applicant (published): they are the presentation's entrants.
  await db.prisma.decision.create({ data: { contestId: program.contest.id, roundId: 'document', applicationId: (await db.prisma.application.findFirstOrThrow({ where: { receiptNumber: 'BC2026-0002' } })).id, outcome: 'pass', status: 'published', markedBy: 'x', markedAt: NOW, approvalId: await approvalRow() } });
  await consent('registered', true, '2026-12-01');
  await consent('refuser', true, '2026-12-01');
  await consent('refuser', false, '2026-12-02');
  await consent('draft', false, '2026-12-01');
  await consent('draft', true, '2026-12-03');
});

/** A published decision belongs to an approved approval (the guard beneath decisions). */
async function approvalRow(): Promise<string> {
  const id = randomUUID();
  await db.sql.query(`INSERT INTO "Approval" ("id", "kind", "subject", "contestId", "roundId", "status", "draftedBy", "draftedAt", "decidedBy", "decidedAt", "messages")
    VALUES ($1, 'judging-results', 'x', $2, 'document', 'approved', 'a', now(), 'b', now(), 1)`, [id, program.contest.id]);
  return id;
}

afterAll(async () => {
  await db?.drop();
});

describe('segments', () => {
  it('pick applicants who have not withdrawn, by status when asked', async () => {
    expect(await pick({ id: 'applicants', params: {} })).toEqual(who('submitted', 'passed', 'draft'));
    expect(await pick({ id: 'applicants', params: { status: 'submitted' } })).toEqual(who('submitted', 'passed'));
    expect(await pick({ id: 'applicants', params: { status: 'draft' } })).toEqual(who('draft'));
  });

  it('pick a judging round\'s entrants', async () => {
    expect(await pick({ id: 'round', params: { round: 'document' } })).toEqual(who('submitted', 'passed'));
    expect(await pick({ id: 'round', params: { round: 'presentation' } })).toEqual(who('passed'));
  });

  it('pick event registrants and the waitlist apart, never the cancelled', async () => {
    expect(await pick({ id: 'event-registrants', params: {} })).toEqual(who('registered'));
    expect(await pick({ id: 'waitlisted', params: {} })).toEqual(who('waiting'));
  });

  it('pick news by each person\'s latest decision', async () => {
    expect(await pick({ id: 'news', params: {} })).toEqual(who('registered', 'draft'));
  });

  it('pick followers who have not blocked the account nor refused news', async () => {
    expect(await pick({ id: 'followers', params: {} })).toEqual(who('submitted', 'passed', 'draft', 'withdrawn', 'registered', 'waiting'));
  });

  it('refuse parameters a segment does not take, and unknown segments', async () => {
    expect(await pick({ id: 'applicants', params: { status: 'withdrawn' } })).toBeNull();
    expect(await pick({ id: 'round', params: {} })).toBeNull();
    expect(await pick({ id: 'followers', params: { extra: 'x' } })).toBeNull();
    expect(await pick({ id: 'nobody', params: {} })).toBeNull();
  });

  it('take a later module\'s segment without changing anything else, once', async () => {
    const segment = { ...segmentById('waitlisted')!, id: 'seminar-bookers-test' };
    registerSegment(segment);
    expect(segmentIds()).toContain('seminar-bookers-test');
    expect(() => registerSegment(segment)).toThrow(/registered already/);
  });
});
