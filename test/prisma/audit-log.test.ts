import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('AuditLog', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.prisma.auditLog.create({
      data: { actor: 'staff:1', action: 'contest.update', entity: 'Contest', entityId: 'c1', prevHash: '0', hash: 'h1' },
    });
  });

  afterAll(() => db?.drop());

  it('accepts new entries', async () => {
    await db.prisma.auditLog.create({
      data: { actor: 'staff:1', action: 'contest.update', entity: 'Contest', entityId: 'c1', prevHash: 'h1', hash: 'h2' },
    });
    expect(await db.prisma.auditLog.count()).toBe(2);
  });

  it('rejects UPDATE', async () => {
    await expect(db.prisma.auditLog.updateMany({ data: { actor: 'someone else' } })).rejects.toThrow(/append-only/);
  });

  it('rejects DELETE, even of no rows', async () => {
    await expect(db.prisma.auditLog.deleteMany({ where: { hash: 'h1' } })).rejects.toThrow(/append-only/);
    await expect(db.prisma.auditLog.deleteMany({ where: { hash: 'no such row' } })).rejects.toThrow(/append-only/);
  });

  it('rejects TRUNCATE', async () => {
    await expect(db.prisma.$executeRawUnsafe('TRUNCATE "AuditLog"')).rejects.toThrow(/append-only/);
  });

  it('keeps every entry unchanged', async () => {
    const entries = await db.prisma.auditLog.findMany({ orderBy: { id: 'asc' } });
    expect(entries.map((entry) => [entry.actor, entry.hash])).toEqual([
      ['staff:1', 'h1'],
      ['staff:1', 'h2'],
    ]);
  });
});
