import { openPostgres, type OpenPostgresOptions, type Postgres } from './open-postgres.ts';
import type { PrismaClient } from './prisma-client.ts';

/** Options for {@link openDatabase}: those of {@link openPostgres}; `poolSize` sizes Prisma's pool. */
export type OpenDatabaseOptions = OpenPostgresOptions;

/** An open database with a Prisma client: for the operator's commands and for tests. */
export interface Database extends Postgres {
  prisma: PrismaClient;
  /** Disconnects Prisma, then stops the embedded server if this open started it. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * {@link openPostgres} plus a Prisma client. The client is loaded on demand, so the
 * server, which never needs it (its statements are SQL on node-postgres), never loads it.
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
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= prisma.$disconnect().finally(() => postgres.close()));
    return { ...postgres, prisma, close };
  } catch (error) {
    await postgres.close();
    throw error;
  }
}
