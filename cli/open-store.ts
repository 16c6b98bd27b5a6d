import { join } from 'node:path';
import pg from 'pg';
import { ConfigError } from '../core/config-error.ts';
import { openDatabase, pendingMigrations, readMigrationFiles, type Database } from '../core/db/index.ts';
import type { Env } from '../core/env.ts';
import { loadMasterKey } from '../core/crypto/load-key.ts';
import { Sealer } from '../core/crypto/sealer.ts';
import { loadProgram } from '../core/program/load-program.ts';

/** How a command opens the store. */
export interface StoreOptions {
  /** Create and migrate the database when needed (`ouen migrate`); otherwise it must exist and be current. */
  setUp?: boolean;
}

/**
 * Opens the same store the server uses, for one command, and closes it after. Without
 * DATABASE_URL: the running `npm start`'s embedded server when there is one, else the
 * command starts it for itself. A data directory that was never used, or a database
 * without ouen's tables, is refused with a message saying so, instead of answering from
 * an empty database.
 */
export async function withStore<T>(
  env: Env,
  run: (store: { db: Database; sealer: Sealer; program: ReturnType<typeof loadProgram> }) => Promise<T>,
  options: StoreOptions = {},
): Promise<T> {
  const setUp = options.setUp ?? false;
  const db = await openDatabase({
    databaseUrl: env.DATABASE_URL, dataDir: join(env.OUEN_DATA_DIR, 'postgres'), poolSize: 2, create: setUp, shareRunning: true, migrate: setUp,
  });
  try {
    if (db.sharedWith !== undefined) console.error(`(using the database of the running ouen, process ${db.sharedWith})`);
    if (!setUp) await assertCurrentSchema(db.connectionString, env.DATABASE_URL ? 'DATABASE_URL' : join(env.OUEN_DATA_DIR, 'postgres'));
    const sealer = new Sealer(loadMasterKey({ envKey: env.OUEN_ENCRYPTION_KEY, keyFile: join(env.OUEN_DATA_DIR, 'ouen.key') }));
    return await run({ db, sealer, program: loadProgram(env.OUEN_PROGRAM_FILE) });
  } finally {
    await db.close();
  }
}

/** Who ran a command, for the audit log. */
export function cliActor(): string {
  return `cli:${process.env.USER ?? process.env.LOGNAME ?? 'unknown'}`;
}

/** Refuses a database ouen never ran against, or one this version would still have to migrate. */
async function assertCurrentSchema(connectionString: string, where: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const pending = await pendingMigrations(client, await readMigrationFiles());
    if (pending === null) {
      throw new ConfigError(`The database (${where}) has no ouen tables: nothing has run against it yet. Check the address, or set it up with npx ouen migrate.`);
    }
    if (pending.length > 0) {
      throw new ConfigError(`The database (${where}) is ${pending.length} migration(s) behind this version of ouen: run npx ouen migrate (or start ouen) first.`);
    }
  } finally {
    await client.end();
  }
}
