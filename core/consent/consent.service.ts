import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../audit/audit-log.ts';
import type { SqlClient } from '../db/types.ts';

/** Records a consent decision. A refusal is all that is kept of someone who refuses. */
export async function recordConsent(
  db: SqlClient,
  decision: { participantId: string; purpose: string; noticeVersion: string; granted: boolean; at: Date; actor: string },
): Promise<AuditEntry> {
  const id = randomUUID();
  await db.run`
    INSERT INTO "Consent" ("id", "participantId", "purpose", "noticeVersion", "granted", "decidedAt")
    VALUES (${id}::uuid, ${decision.participantId}::uuid, ${decision.purpose}, ${decision.noticeVersion}, ${decision.granted}::boolean,
            ${decision.at.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
  return {
    actor: decision.actor,
    action: decision.granted ? 'consent.granted' : 'consent.refused',
    entity: 'consent',
    entityId: id,
    detail: { purpose: decision.purpose, noticeVersion: decision.noticeVersion },
  };
}
