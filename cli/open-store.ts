import { join } from 'node:path';
import { openDatabase, type Database } from '../core/db/index.ts';
import type { Env } from '../core/env.ts';
import { loadMasterKey } from '../core/crypto/load-key.ts';
import { Sealer } from '../core/crypto/sealer.ts';
import { loadProgram } from '../core/program/load-program.ts';

/** Opens the same store the server uses, for one command, and closes it after. */
export async function withStore<T>(
  env: Env,
  run: (store: { db: Database; sealer: Sealer; program: ReturnType<typeof loadProgram> }) => Promise<T>,
): Promise<T> {
  const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: join(env.OUEN_DATA_DIR, 'pglite'), poolSize: 2 });
  try {
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
