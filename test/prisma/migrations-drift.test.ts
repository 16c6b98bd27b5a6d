import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATION_LOCK, SCHEMA_PATH, SNAPSHOT_PATH } from '../../prisma/tools/paths.ts';
import { diffSchemasInChildProcess, isEmptyMigration } from '../../prisma/tools/schema-diff-client.ts';
import { createTestDatabase, TEST_ADMIN_URL, type TestDatabase } from '../support/database.ts';
import { readCatalog } from './catalog.ts';

describe('prisma/migrations', () => {
  let migrated: TestDatabase;
  let fromSchema: TestDatabase;
  let pendingSql: string;
  let fullSql: string;

  beforeAll(async () => {
    const [schema, snapshot] = await Promise.all([readFile(SCHEMA_PATH, 'utf8'), readFile(SNAPSHOT_PATH, 'utf8')]);
    [migrated, fromSchema, [pendingSql = '', fullSql = '']] = await Promise.all([
      createTestDatabase(),
      createTestDatabase({ migrate: false }),
      diffSchemasInChildProcess(
        [
          { from: snapshot, to: schema },
          { from: null, to: schema },
        ],
        { connectionString: TEST_ADMIN_URL },
      ),
    ]);
  });

  afterAll(async () => {
    await Promise.all([migrated?.drop(), fromSchema?.drop()]);
  });

  it('have no schema.prisma change pending since the latest migration', () => {
    expect(
      isEmptyMigration(pendingSql),
      `schema.prisma changed without a migration; run \`npm run migrate:new -- <name>\`. Pending:\n${pendingSql}`,
    ).toBe(true);
  });

  it('build exactly the schema that schema.prisma describes', async () => {
    const client = new pg.Client({ connectionString: fromSchema.connectionString });
    await client.connect();
    await client.query(fullSql).finally(() => client.end());

    const [actual, expected] = await Promise.all([
      readCatalog(migrated.connectionString),
      readCatalog(fromSchema.connectionString),
    ]);
    expect(actual.tables.length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });

  it('keep migration_lock.toml as Prisma writes it', async () => {
    expect(await readFile(MIGRATION_LOCK.path, 'utf8')).toBe(MIGRATION_LOCK.content);
  });
});
