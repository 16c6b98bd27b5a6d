/**
 * A transaction on a plain node-postgres connection, offering the tagged templates
 * `rows`/`run` that SQL-written services use (types.ts `SqlClient`). The turns'
 * hot path runs here: the same statements through Prisma cost several times the CPU
 * (its query interpreter and WebAssembly compiler), which bounded throughput
 * (BENCHMARKS.md).
 */
import type pg from 'pg';
import type { Queryable } from './sql-pool.ts';
import type { SqlClient, Transact } from './types.ts';

/** `inTransaction` on a pool, as a {@link Transact}. */
export const transactOn = (pool: pg.Pool): Transact => (work) => inTransaction(pool, work);

/** Runs `work` in BEGIN … COMMIT; any error rolls back and is rethrown. */
export async function inTransaction<T>(pool: pg.Pool, work: (db: SqlClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection lost mid-transaction (database restart, failover) is emitted as an
  // 'error' on the client, which the pool does not listen to while it is lent out.
  const lost = (error: Error) => {
    broken = error;
  };
  client.on('error', lost);
  try {
    await client.query('BEGIN');
    const result = await work(sqlClient(client));
    const commit = await client.query('COMMIT');
    // PostgreSQL answers COMMIT of a transaction that failed with a ROLLBACK.
    if (commit.command !== 'COMMIT') throw new Error(`transaction was rolled back (${commit.command})`);
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken ??= rollbackError; // the connection is unusable: the pool must not hand it out again
    });
    throw error;
  } finally {
    client.off('error', lost);
    client.release(broken);
  }
}

/**
 * Tagged-template queries on one connection, or on a pool (each statement on its own);
 * `${value}` becomes `$n`, never text in the SQL.
 */
export function sqlClient(client: Queryable | pg.ClientBase): SqlClient {
  return {
    // The caller names the row type (from core/db/tables.ts); node-postgres cannot check it.
    rows: async <Row>(strings: TemplateStringsArray, ...values: unknown[]) =>
      (await client.query({ text: bindText(strings), values })).rows as Row[],
    run: async (strings: TemplateStringsArray, ...values: unknown[]) =>
      (await client.query({ text: bindText(strings), values })).rowCount ?? 0,
  };
}

const texts = new WeakMap<TemplateStringsArray, string>();

/** `a ${x} b ${y} c` → `a $1 b $2 c`; a call site's strings are one object, so it is worked out once. */
function bindText(strings: TemplateStringsArray): string {
  let text = texts.get(strings);
  if (text === undefined) {
    text = strings.reduce((sql, part, i) => `${sql}$${i}${part}`);
    texts.set(strings, text);
  }
  return text;
}
