/**
 * A throwaway PostgreSQL database for one benchmark run, created on the local server
 * (trust auth, a role that may create databases) and dropped afterwards, like the test
 * databases in test/support/database.ts but without holding a client open in the load
 * generator. ouen applies the migrations itself when it starts.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const BENCH_ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL
  || process.env.TEST_DATABASE_ADMIN_URL
  || 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `ouen_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE template0`);
  const url = new URL(BENCH_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: async () => void await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Runs one query as the admin role on the maintenance database. */
export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Backend process ids serving a database: their CPU time is the database's share of the work. */
export async function backendPids(database: string): Promise<number[]> {
  const rows = await adminQuery<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  return rows.map((r) => r.pid);
}
