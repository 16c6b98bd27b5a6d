import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type PrismaClient } from '../../core/db/index.ts';

/**
 * The local test server (trust auth) as a role that may create databases. Override with
 * TEST_DATABASE_ADMIN_URL; it must point at a maintenance database such as `postgres`.
 */
export const TEST_ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A throwaway database of one's own; `drop()` disconnects and removes it. */
export interface TestDatabase {
  name: string;
  prisma: PrismaClient;
  /** A node-postgres pool on it, as the server's statements use. */
  sql: pg.Pool;
  connectionString: string;
  drop(): Promise<void>;
}

/** Options for {@link createTestDatabase}. */
export interface TestDatabaseOptions {
  /** Apply prisma/migrations; default true. False gives an empty database. */
  migrate?: boolean;
}

/**
 * A fresh, uniquely named database on the local PostgreSQL, migrated like production,
 * so test files can run in parallel without seeing each other's rows.
 *
 * @example
 * let db: TestDatabase;
 * beforeAll(async () => { db = await createTestDatabase(); });
 * afterAll(() => db.drop());
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = `ouen_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE template0`);
  const connectionString = databaseUrl(name);
  try {
    const db = await openDatabase({ databaseUrl: connectionString, migrate: options.migrate ?? true, poolSize: 4 });
    return {
      name,
      prisma: db.prisma,
      sql: db.sql,
      connectionString,
      drop: async () => {
        await db.close();
        await dropTestDatabase(name);
      },
    };
  } catch (error) {
    await dropTestDatabase(name);
    throw error;
  }
}

/** Removes a database made by {@link createTestDatabase}, ending any sessions still in it. */
export async function dropTestDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** The connection string of database `name` on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(TEST_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
