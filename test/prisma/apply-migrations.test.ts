import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  DatabaseNotEmptyError,
  DEFAULT_MIGRATIONS_DIR,
  FailedMigrationRecordedError,
  MigrationChecksumMismatchError,
  MigrationFailedError,
  MigrationLockTimeoutError,
  PRISMA_MIGRATION_LOCK_KEY,
  readMigrationFiles,
} from '../../core/db/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { prismaDeploy, prismaDiagnose } from './prisma-engine.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function query<T extends pg.QueryResultRow>(connectionString: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

describe('applyMigrations', () => {
  let db: TestDatabase;
  let scratch: string;
  const databases: TestDatabase[] = [];

  async function freshDatabase(): Promise<TestDatabase> {
    const created = await createTestDatabase({ migrate: false });
    databases.push(created);
    return created;
  }

  async function migrationsDir(migrations: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(scratch, 'migrations-'));
    for (const [name, sql] of Object.entries(migrations)) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'migration.sql'), sql);
    }
    return dir;
  }

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ouen-migrations-'));
    db = await freshDatabase();
  });

  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  afterAll(async () => {
    await Promise.all(databases.map((created) => created.drop()));
  });

  it('records each migration in _prisma_migrations as Prisma does', async () => {
    const files = await readMigrationFiles();
    const result = await applyMigrations(db.connectionString);

    expect(result).toEqual({ applied: files.map((file) => file.name), unknown: [] });
    const rows = await query<MigrationRow>(db.connectionString, 'SELECT * FROM _prisma_migrations ORDER BY started_at');
    expect(rows).toHaveLength(files.length);
    for (const [index, file] of files.entries()) {
      const row = rows[index]!;
      const sql = await readFile(join(DEFAULT_MIGRATIONS_DIR, file.name, 'migration.sql'));
      expect(row).toMatchObject({
        migration_name: file.name,
        checksum: createHash('sha256').update(sql).digest('hex'),
        logs: null,
        rolled_back_at: null,
        applied_steps_count: 1,
      });
      expect(row.id).toMatch(UUID);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }
  });

  it("creates Prisma's history table, column for column", async () => {
    await applyMigrations(db.connectionString, { migrationsDir: await migrationsDir({}) });

    const columns = await query(
      db.connectionString,
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', length: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', length: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', length: null, is_nullable: 'NO', column_default: '0' },
    ]);
  });

  it("leaves a history Prisma's own engine reads as in sync", async () => {
    await applyMigrations(db.connectionString);

    expect(await prismaDiagnose(db.connectionString)).toEqual({
      editedMigrationNames: [],
      failedMigrationNames: [],
      hasMigrationsTable: true,
      history: null,
    });
    expect(await prismaDeploy(db.connectionString)).toEqual({ appliedMigrationNames: [] });
  });

  it('takes over a database that `prisma migrate deploy` migrated', async () => {
    // Synthetic migrations: the wasm engine runs scripts through adapter-pg, which splits
    // them at every ";" and so breaks on the $$-quoted trigger body in init. The native
    // engine behind `prisma migrate deploy` sends a script whole, as our runner does.
    const dir = await migrationsDir({ '20260101000000_a': 'CREATE TABLE "A" (id int);', '20260102000000_b': 'SELECT 2;' });
    expect(await prismaDeploy(db.connectionString, dir)).toEqual({
      appliedMigrationNames: ['20260101000000_a', '20260102000000_b'],
    });

    expect(await applyMigrations(db.connectionString, { migrationsDir: dir })).toEqual({ applied: [], unknown: [] });
  });

  it('applies nothing on a second run, and only what is new on a later one', async () => {
    const first = await migrationsDir({ '20260101000000_a': 'CREATE TABLE "A" (id int);' });
    expect((await applyMigrations(db.connectionString, { migrationsDir: first })).applied).toEqual(['20260101000000_a']);
    expect((await applyMigrations(db.connectionString, { migrationsDir: first })).applied).toEqual([]);

    await mkdir(join(first, '20260102000000_b'));
    await writeFile(join(first, '20260102000000_b', 'migration.sql'), 'CREATE TABLE "B" (id int);');
    expect((await applyMigrations(db.connectionString, { migrationsDir: first })).applied).toEqual(['20260102000000_b']);
  });

  it('reports migrations recorded in the database but unknown on disk', async () => {
    const dir = await migrationsDir({ '20260101000000_a': 'SELECT 1;', '20260102000000_b': 'SELECT 2;' });
    await applyMigrations(db.connectionString, { migrationsDir: dir });
    await rm(join(dir, '20260102000000_b'), { recursive: true });

    expect(await applyMigrations(db.connectionString, { migrationsDir: dir })).toEqual({
      applied: [],
      unknown: ['20260102000000_b'],
    });
  });

  it('refuses to run when an applied migration was edited', async () => {
    const dir = await migrationsDir({ '20260101000000_a': 'CREATE TABLE "A" (id int);\n' });
    await applyMigrations(db.connectionString, { migrationsDir: dir });
    await writeFile(join(dir, '20260101000000_a', 'migration.sql'), 'CREATE TABLE "A" (id bigint);\n');

    const run = applyMigrations(db.connectionString, { migrationsDir: dir });
    await expect(run).rejects.toBeInstanceOf(MigrationChecksumMismatchError);
    await expect(run).rejects.toMatchObject({ migrationNames: ['20260101000000_a'] });
  });

  it('treats a change of line endings alone as no edit, as Prisma does', async () => {
    const dir = await migrationsDir({ '20260101000000_a': 'CREATE TABLE "A" (\n  id int\n);\n' });
    await applyMigrations(db.connectionString, { migrationsDir: dir });
    await writeFile(join(dir, '20260101000000_a', 'migration.sql'), 'CREATE TABLE "A" (\r\n  id int\r\n);\r\n');

    expect((await applyMigrations(db.connectionString, { migrationsDir: dir })).applied).toEqual([]);
  });

  it('rolls back a failing migration, records nothing and keeps earlier ones', async () => {
    const dir = await migrationsDir({
      '20260101000000_ok': 'CREATE TABLE "Ok" (id int);',
      '20260102000000_broken': 'CREATE TABLE "Half" (id int);\nSELECT 1 / 0;',
    });

    const run = applyMigrations(db.connectionString, { migrationsDir: dir });
    await expect(run).rejects.toBeInstanceOf(MigrationFailedError);
    await expect(run).rejects.toThrow(/20260102000000_broken.*division by zero/);
    const tables = await query<{ name: string }>(
      db.connectionString,
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    expect(tables.map((table) => table.name)).toEqual(['Ok', '_prisma_migrations']);
    const names = await query<{ migration_name: string }>(db.connectionString, 'SELECT migration_name FROM _prisma_migrations');
    expect(names).toEqual([{ migration_name: '20260101000000_ok' }]);
  });

  it('refuses to continue past a failed migration recorded by Prisma', async () => {
    const dir = await migrationsDir({ '20260101000000_a': 'SELECT 1;', '20260102000000_b': 'SELECT 2;' });
    await applyMigrations(db.connectionString, { migrationsDir: dir });
    await query(db.connectionString, `UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '20260102000000_b'`);

    await expect(applyMigrations(db.connectionString, { migrationsDir: dir })).rejects.toBeInstanceOf(
      FailedMigrationRecordedError,
    );
  });

  it('refuses a database that has tables but no migration history', async () => {
    await query(db.connectionString, 'CREATE TABLE "SomebodyElses" (id int)');

    await expect(applyMigrations(db.connectionString)).rejects.toBeInstanceOf(DatabaseNotEmptyError);
  });

  it('migrates once when several processes start at the same moment', async () => {
    const files = await readMigrationFiles();
    const results = await Promise.all([1, 2, 3, 4].map(() => applyMigrations(db.connectionString)));

    expect(results.flatMap((result) => result.applied).sort()).toEqual(files.map((file) => file.name));
    const rows = await query(db.connectionString, 'SELECT migration_name FROM _prisma_migrations');
    expect(rows).toHaveLength(files.length);
  });

  it("waits for Prisma's migration lock and gives up with a clear error", async () => {
    const holder = new pg.Client({ connectionString: db.connectionString });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATION_LOCK_KEY]);
      await expect(applyMigrations(db.connectionString, { lockTimeoutMs: 300 })).rejects.toBeInstanceOf(
        MigrationLockTimeoutError,
      );
    } finally {
      await holder.end();
    }
  });
});
