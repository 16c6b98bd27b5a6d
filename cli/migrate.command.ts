import type { Env } from '../core/env.ts';
import { withStore } from './open-store.ts';

export async function runMigrate(env: Env): Promise<number> {
  await withStore(env, async ({ db }) => {
    const applied = db.migrationsApplied;
    console.log(applied.length === 0 ? 'database is up to date' : `applied: ${applied.join(', ')}`);
  }, { setUp: true });
  return 0;
}
