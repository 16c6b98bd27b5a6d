/**
 * What both sides of the server stand on, opened once per process: the program
 * configuration, the master key and its sealer, and PostgreSQL (migrated; in local mode
 * ouen's own server, which this process then owns). The web side (bot/app.ts) and the
 * worker (worker/start-worker.ts) are given it; `ouen start` gives both the same one.
 */
import { join } from 'node:path';
import { ConfigError } from '../core/config-error.ts';
import { loadMasterKey } from '../core/crypto/load-key.ts';
import { Sealer } from '../core/crypto/sealer.ts';
import { openPostgres, type Postgres } from '../core/db/open-postgres.ts';
import { isLocalMode, type Env } from '../core/env.ts';
import { loadProgram, type Program } from '../core/program/load-program.ts';

export interface ServerStore {
  program: Program;
  masterKey: Buffer;
  sealer: Sealer;
  db: Postgres;
  /** Stops the local database server if this process started it. */
  close(): Promise<void>;
}

export async function openServerStore(env: Env, options: { progress?: (message: string) => void } = {}): Promise<ServerStore> {
  if (!isLocalMode(env) && !env.OUEN_ENCRYPTION_KEY) {
    throw new ConfigError('OUEN_ENCRYPTION_KEY is required with real LINE credentials (openssl rand -base64 32)');
  }
  const program = loadProgram(env.OUEN_PROGRAM_FILE);
  const masterKey = loadMasterKey({ envKey: env.OUEN_ENCRYPTION_KEY, keyFile: join(env.OUEN_DATA_DIR, 'ouen.key') });
  const db = await openPostgres({ databaseUrl: env.DATABASE_URL, dataDir: join(env.OUEN_DATA_DIR, 'postgres'), onProgress: options.progress });
  return { program, masterKey, sealer: new Sealer(masterKey), db, close: () => db.close() };
}
