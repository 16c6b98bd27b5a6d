import type { PrismaClient } from '../db/types.ts';
import { auditHash, GENESIS_HASH } from './audit-log.ts';

export type AuditVerdict =
  | { ok: true; rows: number; head: string }
  | { ok: false; rows: number; problems: AuditProblem[] };

export interface AuditProblem {
  id: string;
  kind: 'altered' | 'broken-link';
  message: string;
}

const PAGE = 5_000;

/**
 * Walks the whole chain in id order. An altered row no longer matches its hash; a
 * deleted row leaves its successor pointing at a hash that is not its predecessor's.
 * Deleting the newest rows leaves no trace in the chain itself: compare `head` with a
 * copy kept elsewhere (SECURITY.md).
 */
export async function verifyAudit(prisma: PrismaClient): Promise<AuditVerdict> {
  const problems: AuditProblem[] = [];
  let expectedPrev = GENESIS_HASH;
  let rows = 0;
  let after = -1n;
  for (;;) {
    const page = await prisma.auditLog.findMany({ where: { id: { gt: after } }, orderBy: { id: 'asc' }, take: PAGE });
    for (const row of page) {
      rows += 1;
      const id = row.id.toString();
      if (row.prevHash !== expectedPrev) {
        problems.push({ id, kind: 'broken-link', message: `row ${id} does not follow the row before it (a row was deleted or reordered)` });
      }
      const recomputed = auditHash({ ...row, detail: row.detail as Record<string, unknown> });
      if (recomputed !== row.hash) {
        problems.push({ id, kind: 'altered', message: `row ${id} was altered after it was written` });
      }
      expectedPrev = row.hash;
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.id;
  }
  return problems.length === 0 ? { ok: true, rows, head: expectedPrev } : { ok: false, rows, problems };
}
