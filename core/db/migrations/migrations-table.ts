import type pg from 'pg';
import { DatabaseNotEmptyError } from './migration-errors.ts';
import type { MigrationFile } from './migration-files.ts';

/**
 * Prisma's own DDL for its history table (prisma-engines, PostgreSQL flavour), so that
 * `prisma migrate deploy` later finds a table it recognises. Do not change the columns.
 * IF NOT EXISTS: should two runners ever share one session (a pooler in session-sharing
 * mode), the advisory lock would not separate them and both could get this far.
 */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

/** One row of `_prisma_migrations`, as far as the runner needs it. */
export interface MigrationRecord {
  id: string;
  migrationName: string;
  checksum: string;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
}

/**
 * Creates the history table in an empty schema. A schema with tables and no history is
 * refused, as `prisma migrate deploy` does (P3005), so a wrong DATABASE_URL never gets
 * our tables mixed into somebody else's.
 */
export async function ensureMigrationsTable(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ exists: boolean; tables: number; schema: string }>(
    `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists,
            (SELECT count(*)::int FROM pg_tables WHERE schemaname = current_schema()) AS tables,
            current_schema() AS schema`,
  );
  const state = rows[0];
  if (!state || state.exists) return;
  if (state.tables > 0) throw new DatabaseNotEmptyError(state.schema);
  await client.query(CREATE_MIGRATIONS_TABLE);
}

/** Every recorded migration, oldest first. */
export async function loadMigrationRecords(client: pg.ClientBase): Promise<MigrationRecord[]> {
  const { rows } = await client.query<MigrationRecord>(
    `SELECT id, migration_name AS "migrationName", checksum, finished_at AS "finishedAt",
            rolled_back_at AS "rolledBackAt"
       FROM _prisma_migrations ORDER BY started_at, migration_name`,
  );
  return rows;
}

/**
 * The migration files not yet applied to this database (finished and not rolled back);
 * null when it has no migrations table at all (nothing of ouen's ever ran against it).
 */
export async function pendingMigrations(client: pg.ClientBase, files: MigrationFile[]): Promise<MigrationFile[] | null> {
  const { rows: [table] } = await client.query<{ exists: boolean }>(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists`);
  if (!table?.exists) return null;
  const applied = new Set((await loadMigrationRecords(client)).filter((r) => r.finishedAt && !r.rolledBackAt).map((r) => r.migrationName));
  return files.filter((file) => !applied.has(file.name));
}

/** Whether a migration is recorded as applied (or in progress) and not rolled back. */
export async function isRecorded(client: pg.ClientBase, migrationName: string): Promise<boolean> {
  const { rowCount } = await client.query(
    'SELECT 1 FROM _prisma_migrations WHERE migration_name = $1 AND rolled_back_at IS NULL',
    [migrationName],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Records a migration the way Prisma's schema engine does: a row at start with
 * applied_steps_count 0, then finished_at and one applied step once the script ran.
 * Both happen inside the migration's transaction, so a failure leaves no row behind.
 */
export async function recordStarted(
  client: pg.ClientBase,
  record: { id: string; migrationName: string; checksum: string },
): Promise<void> {
  await client.query(
    `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, clock_timestamp(), 0)`,
    [record.id, record.checksum, record.migrationName],
  );
}

/** Marks a started migration finished; see {@link recordStarted}. */
export async function recordFinished(client: pg.ClientBase, id: string): Promise<void> {
  await client.query(
    `UPDATE _prisma_migrations
        SET finished_at = clock_timestamp(), applied_steps_count = applied_steps_count + 1
      WHERE id = $1`,
    [id],
  );
}
