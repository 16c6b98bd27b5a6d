import { verifyAudit } from '../core/audit/verify-audit.ts';
import type { Env } from '../core/env.ts';
import { withStore } from './open-store.ts';

/** Exit 0 when the chain is intact, 1 when it is not (for cron and monitoring). */
export async function runAuditVerify(env: Env): Promise<number> {
  const verdict = await withStore(env, ({ db }) => verifyAudit(db.prisma));
  if (verdict.ok) {
    console.log(`audit log intact: ${verdict.rows} rows, head ${verdict.head}`);
    return 0;
  }
  console.error(`audit log TAMPERED: ${verdict.problems.length} problem(s) in ${verdict.rows} rows`);
  for (const problem of verdict.problems.slice(0, 50)) console.error(`  ${problem.message}`);
  return 1;
}
