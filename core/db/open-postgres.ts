import { resolve } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts';
import { applyMigrations } from './migrations/apply-migrations.ts';

/** Options for {@link openPostgres}. */
export interface OpenPostgresOptions {
  /**
   * PostgreSQL to use (the validated DATABASE_URL). Absent or empty: the embedded PGlite.
   * Deliberately not read from process.env here; configuration is parsed once, at start.
   */
  databaseUrl?: string;
  /** Embedded only: PGlite's directory. Default `./data/pglite`, relative to the working directory. */
  dataDir?: string;
  /** Embedded only: TCP port to serve PGlite on; default 0 (any free port). */
  port?: number;
  /** Apply pending migrations first; default true. */
  migrate?: boolean;
  /** Connections a pool should take; default 10 for a server, 5 embedded. */
  poolSize?: number;
  /** Migrations to apply; default this checkout's prisma/migrations. */
  migrationsDir?: string;
}

/** A PostgreSQL ready for ouen: where it is, and how to stop it. */
export interface Postgres {
  /** For node-postgres pools, Prisma and psql while it is open. */
  connectionString: string;
  mode: 'server' | 'embedded';
  /** Connections a pool should take (each of the server's pools). */
  poolSize: number;
  /** Migrations this open applied (empty when already up to date or `migrate: false`). */
  migrationsApplied: string[];
  /** Stops the embedded server and PGlite (nothing for a server). Safe to call twice. */
  close(): Promise<void>;
}

const EMBEDDED_POOL_SIZE = 5;
const SERVER_POOL_SIZE = 10;
/** Room beyond one pool: the web thread's, the migration runner, psql, a Prisma client. */
const EMBEDDED_SPARE_CONNECTIONS = 10;

/**
 * Opens ouen's store without a client: the PostgreSQL server at `databaseUrl`, or,
 * without one, the embedded PGlite under `dataDir` so everything runs locally with no
 * setup (DESIGN.md, "local first"). Both apply pending migrations by default, so a fresh
 * checkout or a new release starts against an up-to-date schema. Only one process may
 * open a given data directory; PGlite runs inside it. The server itself uses plain
 * node-postgres pools on it; `openDatabase` adds a Prisma client for tools and tests.
 */
export async function openPostgres(options: OpenPostgresOptions = {}): Promise<Postgres> {
  const embedded = options.databaseUrl ? undefined : await startEmbedded(options);
  const connectionString = options.databaseUrl || embedded!.connectionString;
  try {
    const migrationsApplied =
      options.migrate === false
        ? []
        : (await applyMigrations(connectionString, { migrationsDir: options.migrationsDir })).applied;
    const poolSize = options.poolSize ?? (embedded ? EMBEDDED_POOL_SIZE : SERVER_POOL_SIZE);
    let closing: Promise<void> | undefined;
    const close = () => (closing ??= embedded ? embedded.stop() : Promise.resolve());
    return { connectionString, mode: embedded ? 'embedded' : 'server', poolSize, migrationsApplied, close };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

function startEmbedded(options: OpenPostgresOptions): Promise<EmbeddedPostgres> {
  return startEmbeddedPostgres({
    dataDir: resolve(options.dataDir ?? 'data/pglite'),
    port: options.port,
    maxConnections: (options.poolSize ?? EMBEDDED_POOL_SIZE) + EMBEDDED_SPARE_CONNECTIONS,
  });
}
