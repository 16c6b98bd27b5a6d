/**
 * Several processes start at once (two `ouen web` in test/ops/scale-out.test.ts): each
 * syncs the program file's seminars at start. On real PostgreSQL, syncs at once create
 * each seminar once, and none fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { seminar, syncTestSeminars } from '../support/seminar-fixtures.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

describe('the seminars sync at start', () => {
  it('run by four processes at once creates each seminar once, and every sync succeeds', async () => {
    const list = [seminar('zeta', 10), seminar('alpha', 5, '15:00', '16:00'), seminar('mid', 0, '16:30', '17:00')];
    const syncs = await Promise.allSettled(Array.from({ length: 4 }, () => syncTestSeminars(transactOn(db.sql), list)));
    expect(syncs.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect((await db.prisma.seminar.findMany({ orderBy: { id: 'asc' } })).map((s) => [s.id, s.capacity])).toEqual([['alpha', 5], ['mid', 0], ['zeta', 10]]);
    expect(await db.prisma.auditLog.count({ where: { action: 'seminar.created' } })).toBe(3);
  });
});
