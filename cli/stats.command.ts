import { sqlClient } from '../core/db/pg-transaction.ts';
import { sendReports } from '../core/outbox/sends.repository.ts';
import { seminarStats } from '../core/seminars/seminar-counts.ts';
import { collectStats, statsConsultationsOf, statsEventOf } from '../core/stats/collect-stats.ts';
import type { Env } from '../core/env.ts';
import { withStore } from './open-store.ts';

/** The latest sends (broadcasts, results, reminder runs) shown with their reports. */
const LATEST_SENDS = 10;

export async function runStats(env: Env, options: { json: boolean }): Promise<number> {
  const { stats, seminars, sends } = await withStore(env, async ({ db, program }) => {
    const sql = sqlClient(db.sql);
    return {
      stats: await collectStats(sql, program.contest.id, statsEventOf(program), statsConsultationsOf(program)),
      seminars: await seminarStats(sql, program.seminars),
      sends: await sendReports(sql, { latest: LATEST_SENDS }),
    };
  });
  if (options.json) {
    console.log(JSON.stringify({ ...stats, seminars, sends }, null, 2));
    return 0;
  }
  for (const [entity, counts] of Object.entries(stats)) {
    console.log(`${entity}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  for (const s of seminars) console.log(`seminar ${s.id}: capacity ${s.capacity}, booked ${s.booked}, waitlisted ${s.waitlisted}`);
  for (const s of sends) {
    console.log(`send ${s.createdAt.toISOString()} ${s.kind} "${s.label}": targeted ${s.targeted}, sent ${s.sent}, skipped ${s.skipped}, failed ${s.failed}, waiting ${s.waiting}`);
  }
  return 0;
}
