import type pg from 'pg';
import { openPostgres, type OpenPostgresOptions, type Postgres } from './open-postgres.ts';
import type { PrismaClient } from './prisma-client.ts';
import { createSqlPool } from './sql-pool.ts';

/** Options for {@link openDatabase}: those of {@link openPostgres}; `poolSize` sizes each pool. */
export type OpenDatabaseOptions = OpenPostgresOptions;

/** An open database with a Prisma client: for the operator's commands and for tests. */
export interface Database extends Postgres {
  /** For code written in Prisma's API (reads by the model API, seeding tests). */
  prisma: PrismaClient;
  /**
   * A node-postgres pool like the server's, for the services written in SQL
   * (`sqlClient(db.sql)`, `transactOn(db.sql)`): their statements and row types are
   * node-postgres's, the same wherever they run. It connects on first use.
   */
  sql: pg.Pool;
  /** Ends the pool, disconnects Prisma, then stops the embedded server if this open started it. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * {@link openPostgres} plus a Prisma client and a node-postgres pool. The client is
 * loaded on demand, so the server, which never needs it (its statements are SQL on
 * node-postgres), never loads it.
 *
 * @example
 * const db = await openDatabase({ databaseUrl: env.DATABASE_URL });
 * try { await db.prisma.participant.count(); } finally { await db.close(); }
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const postgres = await openPostgres(options);
  try {
    const { createPrismaClient } = await import('./prisma-client.ts');
    const prisma = createPrismaClient(postgres.connectionString, postgres.poolSize);
    const sql = createSqlPool(postgres.connectionString, postgres.poolSize);
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= Promise.all([sql.end(), prisma.$disconnect()]).then(() => undefined).finally(() => postgres.close()));
    return { ...postgres, prisma, sql, close };
  } catch (error) {
    await postgres.close();
    throw error;
  }
}
