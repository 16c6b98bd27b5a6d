import { resolve } from 'node:path';
import { ConfigError } from '../config-error.ts';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.ts';
import { isCluster } from './postgres-cluster.ts';
import { applyMigrations } from './migrations/apply-migrations.ts';

/** Options for {@link openPostgres}. */
export interface OpenPostgresOptions {
  /**
   * PostgreSQL to use (the validated DATABASE_URL). Absent or empty: the embedded server.
   * Deliberately not read from process.env here; configuration is parsed once, at start.
   */
  databaseUrl?: string;
  /** Embedded only: the cluster's directory. Default `./data/postgres`, relative to the working directory. */
  dataDir?: string;
  /** Embedded only: create the cluster when there is none (default true); false refuses with {@link NoLocalDatabaseError}. */
  create?: boolean;
  /**
   * Embedded only: when another process (a running `ouen start`) owns the server, use it
   * (default false: refuse, the directory is in use).
   */
  shareRunning?: boolean;
  /** Apply pending migrations first; default true. */
  migrate?: boolean;
  /** Connections a pool should take; default 10 for a server, 5 embedded. */
  poolSize?: number;
  /** Migrations to apply; default this checkout's prisma/migrations. */
  migrationsDir?: string;
  /** Told what is happening during a slow start (creating, starting, migrating). */
  onProgress?: (message: string) => void;
}

/** A PostgreSQL ready for ouen: where it is, and how to stop it. */
export interface Postgres {
  /** For node-postgres pools, Prisma and psql while it is open. */
  connectionString: string;
  /** `server`: DATABASE_URL; `embedded`: the local server, started here or shared with its owner. */
  mode: 'server' | 'embedded';
  /** Embedded: whether this open created the cluster (a first start). */
  created: boolean;
  /** Embedded: the running `ouen start` whose server this open uses, if it is not this process's own. */
  sharedWith?: number;
  /** Connections a pool should take (each of the server's pools). */
  poolSize: number;
  /** Migrations this open applied (empty when already up to date or `migrate: false`). */
  migrationsApplied: string[];
  /** Stops the embedded server if this open started it. Safe to call twice. */
  close(): Promise<void>;
}

/** No cluster where one was expected: the command was pointed at a new, empty data directory. */
export class NoLocalDatabaseError extends ConfigError {
  override name = 'NoLocalDatabaseError';
  constructor(readonly dataDir: string) {
    super(`There is no local database at ${dataDir}: nothing has run with this data directory yet. ` +
      'Start ouen there first (npm start), or point OUEN_DATA_DIR (or DATABASE_URL) at the data you mean.');
  }
}

const EMBEDDED_POOL_SIZE = 5;
const SERVER_POOL_SIZE = 10;

/**
 * Opens ouen's store without a client: the PostgreSQL server at `databaseUrl`, or,
 * without one, the embedded server under `dataDir` so everything runs locally with no
 * setup (DESIGN.md, "local first"). Both apply pending migrations by default, so a fresh
 * checkout or a new release starts against an up-to-date schema. One process owns an
 * embedded data directory and its server; others may share the running server
 * (`shareRunning`). The server itself uses plain node-postgres pools on it;
 * `openDatabase` adds a Prisma client for tools and tests.
 */
export async function openPostgres(options: OpenPostgresOptions = {}): Promise<Postgres> {
  const poolSize = options.poolSize ?? (options.databaseUrl ? SERVER_POOL_SIZE : EMBEDDED_POOL_SIZE);
  if (options.databaseUrl) return migrated(options, { connectionString: options.databaseUrl, mode: 'server', created: false, poolSize, close: async () => undefined });
  const dataDir = resolve(options.dataDir ?? 'data/postgres');
  if (options.create === false && !isCluster(dataDir)) throw new NoLocalDatabaseError(dataDir);
  const shared = options.shareRunning ? await runningEmbeddedPostgres(dataDir) : undefined;
  if (shared) {
    return migrated(options, { connectionString: shared.connectionString, mode: 'embedded', created: false, sharedWith: shared.owner, poolSize, close: async () => undefined });
  }
  const embedded = await startEmbeddedPostgres({ dataDir, onProgress: options.onProgress });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= embedded.stop());
  try {
    return await migrated(options, { connectionString: embedded.connectionString, mode: 'embedded', created: embedded.created, poolSize, close });
  } catch (error) {
    await close();
    throw error;
  }
}

async function migrated(options: OpenPostgresOptions, postgres: Omit<Postgres, 'migrationsApplied'>): Promise<Postgres> {
  if (options.migrate === false) return { ...postgres, migrationsApplied: [] };
  const { applied } = await applyMigrations(postgres.connectionString, { migrationsDir: options.migrationsDir });
  if (applied.length > 0) options.onProgress?.(`applied ${applied.length} database migration(s)`);
  return { ...postgres, migrationsApplied: applied };
}
