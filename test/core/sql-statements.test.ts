/**
 * Every SQL statement the server runs, checked against the migrated schema: a renamed
 * or dropped column fails here, in CI, not in production. Statements are found in the
 * source (test/support/sql-statements.ts) and PREPAREd, which plans them against the
 * tables without running them; PostgreSQL must also be able to tell every parameter's
 * type, so the SQL says it with a cast where the context does not.
 *
 * And the database's clock never decides a written value: times come from the injected
 * clock, so no statement reads the clock (`now()` and its relatives), and no INSERT
 * leaves a column to a `DEFAULT CURRENT_TIMESTAMP` (Prisma's `@default(now())`).
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSqlStatements, type SqlStatement } from '../support/sql-statements.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { statements, unread } = findSqlStatements(root);

/** `.query(…)` calls whose text is not in the source, and why that is fine. */
const UNREAD_ON_PURPOSE: Array<{ where: RegExp; expression: string; why: string }> = [
  { where: /^core\/db\/pg-transaction\.ts:/, expression: 'bindText(strings)', why: 'the SqlClient itself: each tagged template is found and checked on its own' },
  { where: /^core\/db\/migrations\/apply-migrations\.ts:/, expression: 'migration.sql', why: 'the migration files: applied to every test database, checked by migrations-drift.test.ts' },
];

/** Prisma's migration history, written the way Prisma's engine writes it (its own clock): bookkeeping, not ouen's data. */
const PRISMA_BOOKKEEPING = /\b_prisma_migrations\b/;

const PREPARABLE = /^(SELECT|INSERT|UPDATE|DELETE|WITH|VALUES|MERGE)\b/i;
const SAVEPOINT_CONTROL = /^(SAVEPOINT|RELEASE|ROLLBACK\s+TO)\b/i;
const TRANSACTION_CONTROL = /^(BEGIN|START|COMMIT|END|ROLLBACK)\b/i;
const READS_THE_CLOCK = /\b(now|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday)\s*\(|\b(current_timestamp|current_date|current_time|localtimestamp|localtime)\b/i;

const firstWords = (text: string) => text.replace(/--[^\n]*/g, '').trim();

let db: TestDatabase;
let client: pg.PoolClient;
/** Table → columns whose default reads the clock. */
let clockDefaults: Map<string, string[]>;

beforeAll(async () => {
  db = await createTestDatabase();
  client = await db.sql.connect();
  const { rows } = await client.query<{ table: string; column: string }>(`
    SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_default ~* '(now\\(\\)|current_timestamp|clock_timestamp)'`);
  clockDefaults = new Map();
  for (const row of rows) clockDefaults.set(row.table, [...(clockDefaults.get(row.table) ?? []), row.column]);
});

afterAll(async () => {
  client?.release();
  await db?.drop();
});

describe('finding the statements', () => {
  it('finds the statements of every layer, and reads the text of every query', () => {
    expect(statements.length).toBeGreaterThan(50);
    for (const dir of ['core/', 'bot/']) expect(statements.some((s) => s.where.startsWith(dir))).toBe(true);
    const unexplained = unread.filter((u) => !UNREAD_ON_PURPOSE.some((known) => known.where.test(u.where) && known.expression === u.expression));
    expect(unexplained).toEqual([]);
    for (const known of UNREAD_ON_PURPOSE) expect(unread.some((u) => known.where.test(u.where) && known.expression === u.expression)).toBe(true);
  });
});

describe.each(statements.map((s): [string, SqlStatement] => [s.where, s]))('the statement at %s', (_where, statement) => {
  it('is valid against the migrated schema', async () => {
    const text = firstWords(statement.text);
    try {
      if (PREPARABLE.test(text)) {
        await client.query(`PREPARE checked AS ${statement.text}`);
        await client.query('DEALLOCATE checked');
      } else {
        await runUtility(text);
      }
    } catch (error) {
      throw new Error(`${statement.where}: ${(error as Error).message}\n${statement.text}`);
    }
  });

  it('takes written times from the injected clock, not the database\'s', () => {
    if (PRISMA_BOOKKEEPING.test(statement.text)) return;
    expect(READS_THE_CLOCK.exec(statement.text)?.[0], `${statement.where} reads the database's clock`).toBeUndefined();
    for (const insert of statement.text.matchAll(/INSERT\s+INTO\s+"?(\w+)"?\s*(?:AS\s+\w+\s*)?\(([^)]*)\)/gi)) {
      const named = insert[2]!.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
      const left = (clockDefaults.get(insert[1]!) ?? []).filter((column) => !named.includes(column));
      expect(left, `${statement.where} leaves ${insert[1]} columns to a clock default`).toEqual([]);
    }
  });
});

/**
 * Statements PREPARE does not take (transaction control, SET, LISTEN, DDL) run on a
 * session of their own; any but transaction control inside a transaction rolled back.
 */
async function runUtility(text: string): Promise<void> {
  const session = new pg.Client({ connectionString: db.connectionString });
  await session.connect();
  try {
    if (SAVEPOINT_CONTROL.test(text)) {
      // A turn's savepoint (runtime/turn-savepoint.ts): only inside a transaction that has one.
      await session.query('BEGIN');
      await session.query('SAVEPOINT turn');
      await session.query(text);
      await session.query('ROLLBACK');
      return;
    }
    if (TRANSACTION_CONTROL.test(text)) {
      await session.query(text);
      return;
    }
    await session.query('BEGIN');
    await session.query(text);
    await session.query('ROLLBACK');
  } finally {
    await session.end();
  }
}
