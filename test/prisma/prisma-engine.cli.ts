/**
 * Child-process entry (see prisma/tools/wasm-child.ts) that asks Prisma's own schema engine
 * about a database: `diagnose` is what `prisma migrate status` relies on, `apply` is
 * `prisma migrate deploy`. Input: { command, connectionString, migrationsDir }.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { SchemaEngine, type MigrationList } from '@prisma/schema-engine-wasm';
import pg from 'pg';
import { readMigrationFiles } from '../../core/db/migrations/index.ts';

interface Input {
  command: 'diagnose' | 'apply';
  connectionString: string;
  migrationsDir: string;
}

async function migrationList(dir: string): Promise<MigrationList> {
  const lockPath = join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: await readFile(lockPath, 'utf8').catch(() => null) },
    shadowDbInitScript: '',
    migrationDirectories: (await readMigrationFiles(dir)).map((migration) => ({
      path: migration.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: migration.sql } },
    })),
  };
}

const input = JSON.parse(await text(process.stdin)) as Input;
const schema = await readFile(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8');
const pool = new pg.Pool({ connectionString: input.connectionString, max: 2 });
const engine = await SchemaEngine.new(
  { datamodels: [['schema.prisma', schema]] },
  () => undefined,
  bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool)),
);
const migrationsList = await migrationList(input.migrationsDir);
const filters = { externalTables: [], externalEnums: [] };
const result =
  input.command === 'diagnose'
    ? await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters })
    : await engine.applyMigrations({ migrationsList, filters });
engine.free();
await pool.end();
// The engine leaves a timer behind after applying (about 10 s), so exit once the answer is out.
process.stdout.write(JSON.stringify(result), () => process.exit(0));
