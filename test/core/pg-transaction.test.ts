import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, sqlClient } from '../../core/db/pg-transaction.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  await db.sql.query('CREATE TABLE "Note" ("id" int PRIMARY KEY, "body" text NOT NULL, "at" timestamp(3), "big" bigint)');
});

afterAll(async () => {
  await db?.drop();
});

describe('inTransaction', () => {
  it('commits what the work wrote and returns its result', async () => {
    const result = await inTransaction(db.sql, async (tx) => {
      await tx.run`INSERT INTO "Note" ("id", "body") VALUES (${1}::int, ${'first'})`;
      return tx.rows<{ body: string }>`SELECT "body" FROM "Note" WHERE "id" = ${1}::int`;
    });
    expect(result).toEqual([{ body: 'first' }]);
    expect((await db.sql.query('SELECT count(*)::int AS n FROM "Note"')).rows[0].n).toBe(1);
  });

  it('rolls everything back when the work fails, and rethrows', async () => {
    await expect(inTransaction(db.sql, async (tx) => {
      await tx.run`INSERT INTO "Note" ("id", "body") VALUES (${2}::int, ${'second'})`;
      await tx.run`INSERT INTO "Note" ("id", "body") VALUES (${1}::int, ${'duplicate key'})`;
    })).rejects.toThrow(/duplicate key/);
    expect((await db.sql.query('SELECT count(*)::int AS n FROM "Note"')).rows[0].n).toBe(1);
    // The connection went back to the pool usable.
    await Promise.all([1, 2, 3, 4].map(() => inTransaction(db.sql, async (tx) => tx.rows`SELECT 1`)));
  });

  it('fails the transaction, not the process, when its connection is cut, and the pool goes on', async () => {
    const cut = inTransaction(db.sql, async (tx) => {
      const rows = await tx.rows<{ pid: number }>`SELECT pg_backend_pid() AS "pid"`;
      const pid = rows[0]!.pid;
      await db.sql.query('SELECT pg_terminate_backend($1)', [pid]);
      await tx.rows`SELECT pg_sleep(0.2)`;
    });
    await expect(cut).rejects.toThrow();
    expect(await inTransaction(db.sql, async (tx) => tx.rows<{ one: number }>`SELECT 1 AS "one"`)).toEqual([{ one: 1 }]);
  });

  it('reports a transaction that PostgreSQL rolled back instead of committing', async () => {
    // A failed statement whose error the work swallowed leaves the transaction aborted.
    await expect(inTransaction(db.sql, async (tx) => {
      await Promise.resolve(tx.rows`SELECT 1 / 0`).catch(() => undefined);
    })).rejects.toThrow(/rolled back/);
  });

  it('runs every session in UTC, whatever the server says', async () => {
    const [row] = await sqlClient(db.sql).rows<{ zone: string }>`SELECT current_setting('TimeZone') AS "zone"`;
    expect(row!.zone).toBe('UTC');
  });

  it('binds values as parameters, never as SQL text', async () => {
    const hostile = `'); DROP TABLE "Note"; --`;
    const count = await sqlClient(db.sql).run`UPDATE "Note" SET "body" = ${hostile} WHERE "id" = ${1}::int`;
    expect(count).toBe(1);
    expect((await db.sql.query('SELECT "body" FROM "Note" WHERE "id" = 1')).rows[0].body).toBe(hostile);
  });

  it('reads timestamps without time zone as UTC and int8 as BigInt, as Prisma does', async () => {
    await db.sql.query(`UPDATE "Note" SET "at" = '2027-03-31 15:00:00.123', "big" = 9007199254740993 WHERE "id" = 1`);
    const [row] = await sqlClient(db.sql).rows<{ at: Date; big: bigint }>`SELECT "at", "big" FROM "Note" WHERE "id" = ${1}::int`;
    expect(row!.at.toISOString()).toBe('2027-03-31T15:00:00.123Z');
    expect(row!.big).toBe(9007199254740993n);
  });
});
