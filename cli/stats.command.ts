import { sqlClient } from '../core/db/pg-transaction.ts';
import { collectStats, statsEventOf } from '../core/stats/collect-stats.ts';
import type { Env } from '../core/env.ts';
import { withStore } from './open-store.ts';

export async function runStats(env: Env, options: { json: boolean }): Promise<number> {
  const stats = await withStore(env, ({ db, program }) => collectStats(sqlClient(db.sql), program.contest.id, statsEventOf(program)));
  if (options.json) {
    console.log(JSON.stringify(stats, null, 2));
    return 0;
  }
  for (const [entity, counts] of Object.entries(stats)) {
    console.log(`${entity}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  return 0;
}
