/**
 * The counts of `ouen stats` and the staff /stats on real PostgreSQL: consent is counted
 * in people, by each person's latest decision, per purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsent } from '../../core/consent/consent.service.ts';
import { sqlClient } from '../../core/db/pg-transaction.ts';
import { collectStats } from '../../core/stats/collect-stats.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { program } from '../support/flow-harness.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const decide = async (participantId: string, granted: boolean, minute: number, purpose = 'contest-application') => {
    await recordConsent(sqlClient(db.sql), {
      participantId, purpose, noticeVersion: '2026-1', granted, at: new Date(Date.UTC(2026, 10, 28, 1, minute)), actor: 'test',
    });
  };
  const person = async (lineUserId: string) => (await db.prisma.participant.create({ data: { lineUserId, language: 'ja' } })).id;
  const twice = await person('Uaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1');
  const refusedLater = await person('Uaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2');
  const agreedLater = await person('Uaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3');
  await decide(twice, true, 1);
  await decide(twice, true, 9);
  await decide(refusedLater, true, 2);
  await decide(refusedLater, false, 3);
  await decide(agreedLater, false, 4);
  await decide(agreedLater, true, 5);
  await decide(agreedLater, true, 6, 'survey');
});

afterAll(async () => {
  await db?.drop();
});

describe('collectStats', () => {
  it('counts people who agree, not consent records, by their latest decision per purpose', async () => {
    const stats = await collectStats(sqlClient(db.sql), program.contest.id);
    expect(await db.prisma.consent.count({ where: { granted: true, purpose: 'contest-application' } })).toBe(4);
    expect(stats.consentsGranted).toEqual({ 'contest-application': 2, survey: 1 });
    expect(stats.consentsRefused).toEqual({ 'contest-application': 1, survey: 0 });
    expect(stats.participants).toEqual({ total: 3, unreachable: 0 });
  });

  it('names the contest\'s purpose with zeros before anyone has answered', async () => {
    const empty = await createTestDatabase();
    try {
      const stats = await collectStats(sqlClient(empty.sql), program.contest.id);
      expect(stats.consentsGranted).toEqual({ 'contest-application': 0 });
      expect(stats.consentsRefused).toEqual({ 'contest-application': 0 });
    } finally {
      await empty.drop();
    }
  });
});
