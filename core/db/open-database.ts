import { resolve } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts';
import { applyMigrations } from './migrations/apply-migrations.ts';
import { createPrismaClient, type PrismaClient } from './prisma-client.ts';

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /**
   * PostgreSQL to use (the validated DATABASE_URL). Absent or empty: the embedded PGlite.
   * Deliberately not read from process.env here; configuration is parsed once, at start.
   */
  databaseUrl?: string;
  /** Embedded only: PGlite's directory. Default `./data/pglite`, relative to the working directory. */
  dataDir?: string;
  /** Embedded only: TCP port to serve PGlite on; default 0 (any free port). */
  port?: number;
  /** Apply pending migrations before handing out the client; default true. */
  migrate?: boolean;
  /** Connections in Prisma's pool; default 10 for a server, 5 embedded. */
  poolSize?: number;
  /** Migrations to apply; default this checkout's prisma/migrations. */
  migrationsDir?: string;
}

/** An open database: the Prisma client, where it points, and how to shut it all down. */
export interface Database {
  prisma: PrismaClient;
  /** Also valid for plain `pg` clients and psql while the database is open. */
  connectionString: string;
  mode: 'server' | 'embedded';
  /** Connections in the Prisma pool (a second client in-process may take as many). */
  poolSize: number;
  /** Migrations this open applied (empty when already up to date or `migrate: false`). */
  migrationsApplied: string[];
  /** Disconnects Prisma, then stops the embedded server and PGlite. Safe to call twice. */
  close(): Promise<void>;
}

const EMBEDDED_POOL_SIZE = 5;
const SERVER_POOL_SIZE = 10;
/** Room beyond Prisma's pool for the migration runner, psql, and a second pool in-process. */
const EMBEDDED_SPARE_CONNECTIONS = 5;

/**
 * Opens ouen's store: the PostgreSQL server at `databaseUrl`, or, without one, the
 * embedded PGlite under `dataDir` so everything runs locally with no setup (DESIGN.md,
 * "local first"). Both paths apply migrations on open by default, so a fresh checkout or
 * a new release starts against an up-to-date schema. Only one process may open a given
 * data directory; PGlite runs inside it, so web and worker share that process.
 *
 * @example
 * const db = await openDatabase({ databaseUrl: env.DATABASE_URL });
 * try { await db.prisma.participant.count(); } finally { await db.close(); }
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const embedded = options.databaseUrl ? undefined : await startEmbedded(options);
  const connectionString = options.databaseUrl || embedded!.connectionString;
  try {
    const migrationsApplied =
      options.migrate === false
        ? []
        : (await applyMigrations(connectionString, { migrationsDir: options.migrationsDir })).applied;
    const poolSize = options.poolSize ?? (embedded ? EMBEDDED_POOL_SIZE : SERVER_POOL_SIZE);
    const prisma = createPrismaClient(connectionString, poolSize);
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= shutDown(prisma, embedded));
    return { prisma, connectionString, mode: embedded ? 'embedded' : 'server', poolSize, migrationsApplied, close };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

function startEmbedded(options: OpenDatabaseOptions): Promise<EmbeddedPostgres> {
  return startEmbeddedPostgres({
    dataDir: resolve(options.dataDir ?? 'data/pglite'),
    port: options.port,
    maxConnections: (options.poolSize ?? EMBEDDED_POOL_SIZE) + EMBEDDED_SPARE_CONNECTIONS,
  });
}

async function shutDown(prisma: PrismaClient, embedded: EmbeddedPostgres | undefined): Promise<void> {
  try {
    await prisma.$disconnect();
  } finally {
    await embedded?.stop();
  }
}
