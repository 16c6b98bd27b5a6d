import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MigrationScriptMissingError } from './migration-errors.ts';
import { PROJECT_ROOT } from '../../project-root.ts';

/** prisma/migrations of this checkout; the runner reads it at start, so it ships with the code. */
export const DEFAULT_MIGRATIONS_DIR = join(PROJECT_ROOT, 'prisma', 'migrations');

/** One `prisma/migrations/<name>/migration.sql`, as Prisma's CLI loads it. */
export interface MigrationFile {
  name: string;
  sql: string;
  /** What Prisma stores in `_prisma_migrations.checksum` for this script. */
  checksum: string;
}

/**
 * The checksum Prisma records: lowercase hex SHA-256 of the script's UTF-8 bytes.
 * Keep in sync with prisma-engines `migration-connector/src/checksum.rs`.
 */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/**
 * Whether `sql` is the script that produced `checksum`. Like Prisma, a checkout that only
 * changed line endings (git autocrlf) still matches, so it is not taken for an edit.
 */
export function matchesChecksum(sql: string, checksum: string): boolean {
  const lf = sql.replace(/\r\n/g, '\n');
  const variants = [sql, lf, lf.replace(/\n/g, '\r\n')];
  return variants.some((variant) => migrationChecksum(variant) === checksum.toLowerCase());
}

/**
 * Every migration directory under `dir`, in the order Prisma applies them: directories
 * only (files such as migration_lock.toml are ignored), sorted with `localeCompare`.
 */
export async function readMigrationFiles(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  return Promise.all(names.map((name) => readMigrationFile(dir, name)));
}

async function readMigrationFile(dir: string, name: string): Promise<MigrationFile> {
  const path = join(dir, name, 'migration.sql');
  const sql = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new MigrationScriptMissingError(name, path);
    throw error;
  });
  return { name, sql, checksum: migrationChecksum(sql) };
}
