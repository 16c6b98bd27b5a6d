/**
 * Plain node-postgres pools: the web thread's few statements (storing webhook events,
 * the health check), which keeps Prisma's query compiler out of the web thread, and the
 * processing thread's turn transactions (pg-transaction.ts).
 */
import pg from 'pg';

/** What a statement needs: `pg.Pool` and `pg.Client` both qualify. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** Prisma's answers for the same columns: timestamps without time zone are UTC, int8 is a BigInt. */
const TIMESTAMP_OID = 1114;
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === TIMESTAMP_OID) return (value: string) => new Date(`${value.replace(' ', 'T')}Z`);
    if (oid === INT8_OID) return (value: string) => BigInt(value);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

/** As long as a connection may be waited for, and a statement or an idle transaction may last (Prisma's transaction limits). */
const CONNECTION_WAIT_MS = 10_000;
const STATEMENT_TIMEOUT_MS = 15_000;

/**
 * Every session in UTC, so that column defaults (`CURRENT_TIMESTAMP` into TIMESTAMP
 * columns) and `now()` conversions agree with the UTC times ouen writes, whatever the
 * server's own time zone. Set after connecting, not as startup parameters, which
 * PgBouncer refuses.
 */
const SESSION_SETUP = `SET TIME ZONE 'UTC'; SET statement_timeout = ${STATEMENT_TIMEOUT_MS}; SET idle_in_transaction_session_timeout = ${STATEMENT_TIMEOUT_MS}`;

export function createSqlPool(connectionString: string, max: number): pg.Pool {
  // pg-pool runs `onConnect` before it hands the connection out (ending it if the setup
  // fails), so no statement ever runs beside the setup.
  const pool = new pg.Pool({
    connectionString, max, types, connectionTimeoutMillis: CONNECTION_WAIT_MS,
    onConnect: async (client: pg.ClientBase) => {
      await client.query(SESSION_SETUP);
    },
  } as pg.PoolConfig);
  // An idle connection that drops (database restart) must not crash the process; the
  // next query opens a new one.
  pool.on('error', () => undefined);
  return pool;
}
