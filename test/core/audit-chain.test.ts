import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../core/audit/audit-log.ts';
import { verifyAudit } from '../../core/audit/verify-audit.ts';
import { inTransaction } from '../../core/db/pg-transaction.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(() => db?.drop());

/** Tampering as an attacker with database superuser rights would: triggers off. */
async function tamper(sql: string) {
  const client = new pg.Client({ connectionString: db.connectionString });
  await client.connect();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('the audit chain', () => {
  it('stays one unbroken chain under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => inTransaction(db.sql, (tx) => appendAudit(tx, [
      { actor: 'system', action: 'test.appended', entity: 'test', entityId: String(i), detail: { i, nested: { b: 1, a: [2, 3] } } },
      { actor: 'system', action: 'test.appendedTwice', entity: 'test', entityId: String(i) },
    ], new Date()))));
    const verdict = await verifyAudit(db.prisma);
    expect(verdict).toMatchObject({ ok: true, rows: 80 });
  });

  it('detects an altered row', async () => {
    const victim = await db.prisma.auditLog.findFirstOrThrow({ where: { entityId: '7' }, orderBy: { id: 'asc' } });
    await tamper(`UPDATE "AuditLog" SET "actor" = 'someone else' WHERE "id" = ${victim.id}`);
    const verdict = await verifyAudit(db.prisma);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? [] : verdict.problems).toContainEqual(expect.objectContaining({ id: victim.id.toString(), kind: 'altered' }));
  });

  it('detects a deleted row', async () => {
    const victim = await db.prisma.auditLog.findFirstOrThrow({ where: { entityId: '20' }, orderBy: { id: 'asc' } });
    await tamper(`DELETE FROM "AuditLog" WHERE "id" = ${victim.id}`);
    const verdict = await verifyAudit(db.prisma);
    expect(verdict.ok ? [] : verdict.problems).toContainEqual(expect.objectContaining({ kind: 'broken-link' }));
  });
});
