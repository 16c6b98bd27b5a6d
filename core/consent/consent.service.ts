import type { AuditEntry } from '../audit/audit-log.ts';
import type { Db } from '../db/types.ts';

/** Records a consent decision. A refusal is all that is kept of someone who refuses. */
export async function recordConsent(
  db: Db,
  decision: { participantId: string; purpose: string; noticeVersion: string; granted: boolean; at: Date; actor: string },
): Promise<AuditEntry> {
  const row = await db.consent.create({
    data: {
      participantId: decision.participantId,
      purpose: decision.purpose,
      noticeVersion: decision.noticeVersion,
      granted: decision.granted,
      decidedAt: decision.at,
    },
    select: { id: true },
  });
  return {
    actor: decision.actor,
    action: decision.granted ? 'consent.granted' : 'consent.refused',
    entity: 'consent',
    entityId: row.id,
    detail: { purpose: decision.purpose, noticeVersion: decision.noticeVersion },
  };
}
