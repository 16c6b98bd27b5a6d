import type { ProgramConfig } from '../../flows/program.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type * as tables from '../db/tables.ts';
import type { Transact } from '../db/types.ts';

/**
 * Makes the contest row match the program configuration. The receipt counter is never
 * touched here: it only moves forward, with each first submission.
 */
export async function syncContest(transact: Transact, program: ProgramConfig, now: Date): Promise<void> {
  const { contest } = program;
  const opensAt = new Date(contest.opensAt).toISOString();
  const deadline = new Date(contest.deadline).toISOString();
  await transact(async (tx) => {
    const [before] = await tx.rows<tables.Computed<{ same: boolean }>>`
      SELECT "name" = ${contest.name.ja} AND "receiptPrefix" = ${contest.receiptPrefix}
        AND "opensAt" = ${opensAt}::timestamptz AT TIME ZONE 'UTC' AND "deadline" = ${deadline}::timestamptz AT TIME ZONE 'UTC' AS "same"
      FROM "Contest" WHERE "id" = ${contest.id}`;
    if (before?.same) return;
    await tx.run`
      INSERT INTO "Contest" ("id", "name", "receiptPrefix", "opensAt", "deadline", "updatedAt")
      VALUES (${contest.id}, ${contest.name.ja}, ${contest.receiptPrefix}, ${opensAt}::timestamptz AT TIME ZONE 'UTC',
              ${deadline}::timestamptz AT TIME ZONE 'UTC', ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
      ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "receiptPrefix" = EXCLUDED."receiptPrefix",
        "opensAt" = EXCLUDED."opensAt", "deadline" = EXCLUDED."deadline", "updatedAt" = EXCLUDED."updatedAt"`;
    await appendAudit(tx, [{
      actor: 'system', action: before ? 'contest.updated' : 'contest.created', entity: 'contest', entityId: contest.id,
      detail: { opensAt: contest.opensAt, deadline: contest.deadline, receiptPrefix: contest.receiptPrefix },
    }], now);
  });
}
