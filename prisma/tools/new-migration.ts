/**
 * Creates the next migration without Prisma's native engine (which cannot be installed
 * here): diffs the schema snapshot of the latest migration against prisma/schema.prisma,
 * writes prisma/migrations/<timestamp>_<name>/migration.sql and moves the snapshot forward.
 *
 * Usage: npm run migrate:new -- <name> [--empty]
 *   --empty  create the migration even without schema changes, for hand-written SQL
 *            (triggers, data fixes); the snapshot is rewritten unchanged.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { migrationDirectoryName } from './migration-name.ts';
import { MIGRATION_LOCK, MIGRATIONS_DIR, SCHEMA_PATH, SNAPSHOT_PATH } from './paths.ts';
import { diffSchemasInChildProcess, isEmptyMigration } from './schema-diff-client.ts';

const EMPTY_MIGRATION = '-- This is an empty migration.\n';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { empty: { type: 'boolean' } } });
const [name] = positionals;
if (!name || positionals.length > 1) {
  console.error('usage: npm run migrate:new -- <name> [--empty]');
  process.exit(2);
}

const schema = await readFile(SCHEMA_PATH, 'utf8');
const snapshot = existsSync(SNAPSHOT_PATH) ? await readFile(SNAPSHOT_PATH, 'utf8') : null;
const [diff = ''] = await diffSchemasInChildProcess([{ from: snapshot, to: schema }]);
const empty = isEmptyMigration(diff);
if (empty && !values.empty) {
  console.log('schema.prisma has not changed since the latest migration; nothing to create (use --empty for hand-written SQL).');
  process.exit(0);
}

const existing = existsSync(MIGRATIONS_DIR)
  ? (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name)
  : [];
const directory = join(MIGRATIONS_DIR, migrationDirectoryName(name, new Date(), existing));
await mkdir(directory, { recursive: true });
await writeFile(join(directory, 'migration.sql'), empty ? EMPTY_MIGRATION : diff);
if (!existsSync(MIGRATION_LOCK.path)) await writeFile(MIGRATION_LOCK.path, MIGRATION_LOCK.content);
await writeFile(SNAPSHOT_PATH, schema);
console.log(`Created ${relative(process.cwd(), join(directory, 'migration.sql'))}`);
