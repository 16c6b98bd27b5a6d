/**
 * A plain node-postgres pool for the web thread's few statements (storing webhook events,
 * the health check). It keeps the request path off the Prisma client, whose query
 * compiler (WebAssembly) would otherwise be loaded into the web thread's memory too.
 */
import pg from 'pg';

/** What a statement needs: `pg.Pool` and `pg.Client` both qualify. */
export type Queryable = Pick<pg.Pool, 'query'>;

export function createSqlPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  // An idle connection that drops (database restart) must not crash the process; the
  // next query opens a new one.
  pool.on('error', () => undefined);
  return pool;
}
