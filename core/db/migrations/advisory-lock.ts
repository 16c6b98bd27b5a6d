import type pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { MigrationLockTimeoutError } from './migration-errors.ts';

/**
 * The key Prisma's schema engine locks (`SELECT pg_advisory_lock(72707369)`), so our
 * runner and `prisma migrate` exclude each other as well as two copies of ouen.
 */
export const PRISMA_MIGRATION_LOCK_KEY = 72707369;

const POLL_INTERVAL_MS = 100;

/**
 * Takes the session-level migration lock, polling with `pg_try_advisory_lock` so the wait
 * is bounded and ends in a clear error instead of a hung start-up. Returns the unlock.
 */
export async function acquireMigrationLock(client: pg.ClientBase, timeoutMs: number): Promise<() => Promise<void>> {
  const startedAt = Date.now();
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      PRISMA_MIGRATION_LOCK_KEY,
    ]);
    if (rows[0]?.locked) {
      return async () => {
        await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATION_LOCK_KEY]);
      };
    }
    if (Date.now() - startedAt >= timeoutMs) throw new MigrationLockTimeoutError(Date.now() - startedAt);
    await sleep(POLL_INTERVAL_MS);
  }
}
