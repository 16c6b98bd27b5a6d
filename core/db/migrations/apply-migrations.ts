import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { acquireMigrationLock } from './advisory-lock.ts';
import { FailedMigrationRecordedError, MigrationChecksumMismatchError, MigrationFailedError } from './migration-errors.ts';
import { DEFAULT_MIGRATIONS_DIR, matchesChecksum, readMigrationFiles, type MigrationFile } from './migration-files.ts';
import {
  ensureMigrationsTable,
  isRecorded,
  loadMigrationRecords,
  recordFinished,
  recordStarted,
  type MigrationRecord,
} from './migrations-table.ts';

/** Options for {@link applyMigrations}. */
export interface ApplyMigrationsOptions {
  /** Directory in Prisma's layout; defaults to this checkout's prisma/migrations. */
  migrationsDir?: string;
  /** How long to wait for another process's migration run; default 60 s. */
  lockTimeoutMs?: number;
}

/** What a run did. */
export interface ApplyMigrationsResult {
  /** Migrations applied by this run, in order. Empty when the database was up to date. */
  applied: string[];
  /** Recorded in the database but absent on disk: a newer release migrated it. Not an error. */
  unknown: string[];
}

/**
 * Applies pending `prisma/migrations/<name>/migration.sql` files in order, each in its own
 * transaction, and records them in `_prisma_migrations` exactly as `prisma migrate deploy`
 * would, so either tool can take over from the other. This exists because Prisma's native
 * schema engine cannot be installed on every machine we run on.
 *
 * Refuses to run when an applied migration was edited or a failed one is recorded.
 * Holds Prisma's advisory lock while it works, so concurrent starts migrate once.
 * Scripts must not contain their own BEGIN/COMMIT.
 *
 * @param target a connection string (a connection is opened and closed) or a connected client
 * @example
 * const { applied } = await applyMigrations(process.env.DATABASE_URL!);
 */
export async function applyMigrations(
  target: string | pg.ClientBase,
  options: ApplyMigrationsOptions = {},
): Promise<ApplyMigrationsResult> {
  const migrations = await readMigrationFiles(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const client = typeof target === 'string' ? new pg.Client({ connectionString: target }) : target;
  if (typeof target === 'string') await client.connect();
  try {
    const unlock = await acquireMigrationLock(client, options.lockTimeoutMs ?? 60_000);
    try {
      return await migrateLocked(client, migrations);
    } finally {
      await unlock();
    }
  } finally {
    if (typeof target === 'string') await (client as pg.Client).end();
  }
}

async function migrateLocked(client: pg.ClientBase, migrations: MigrationFile[]): Promise<ApplyMigrationsResult> {
  await ensureMigrationsTable(client);
  const records = (await loadMigrationRecords(client)).filter((record) => record.rolledBackAt === null);
  assertHistoryIntact(records, migrations);
  const recordedNames = new Set(records.map((record) => record.migrationName));
  const onDisk = new Set(migrations.map((migration) => migration.name));
  const applied: string[] = [];
  for (const migration of migrations.filter((candidate) => !recordedNames.has(candidate.name))) {
    if (await applyOne(client, migration)) applied.push(migration.name);
  }
  return { applied, unknown: [...recordedNames].filter((name) => !onDisk.has(name)) };
}

function assertHistoryIntact(records: MigrationRecord[], migrations: MigrationFile[]): void {
  const failed = records.filter((record) => record.finishedAt === null).map((record) => record.migrationName);
  if (failed.length > 0) throw new FailedMigrationRecordedError(failed);
  const byName = new Map(records.map((record) => [record.migrationName, record]));
  const edited = migrations
    .filter((migration) => {
      const record = byName.get(migration.name);
      return record !== undefined && !matchesChecksum(migration.sql, record.checksum);
    })
    .map((migration) => migration.name);
  if (edited.length > 0) throw new MigrationChecksumMismatchError(edited);
}

/**
 * Runs one migration and its history row in a single transaction. The recheck inside the
 * transaction matters where connections share one session (the advisory lock then does
 * not separate them) but transactions are serialised.
 */
async function applyOne(client: pg.ClientBase, migration: MigrationFile): Promise<boolean> {
  await client.query('BEGIN');
  try {
    if (await isRecorded(client, migration.name)) {
      await client.query('ROLLBACK');
      return false;
    }
    const id = randomUUID();
    await recordStarted(client, { id, migrationName: migration.name, checksum: migration.checksum });
    await client.query(migration.sql);
    await recordFinished(client, id);
    await client.query('COMMIT');
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationFailedError(migration.name, error);
  }
}
