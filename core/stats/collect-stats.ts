import type { SqlDb } from '../db/types.ts';

export type Stats = Record<string, Record<string, number>>;

/**
 * Counts per entity and status: the figures the completion report needs (the CLI's
 * `stats`, the staff dashboard). Never personal data. One statement.
 */
export async function collectStats(db: SqlDb, contestId: string): Promise<Stats> {
  const rows = await db.$queryRaw<Array<{ entity: string; status: string; count: number }>>`
    SELECT 'applications' AS "entity", "status"::text AS "status", count(*)::int AS "count" FROM "Application" WHERE "contestId" = ${contestId} GROUP BY "status"
    UNION ALL SELECT 'participants', 'total', count(*)::int FROM "Participant"
    UNION ALL SELECT 'participants', 'unreachable', count(*)::int FROM "Participant" WHERE "unreachableAt" IS NOT NULL
    UNION ALL SELECT 'consents', CASE WHEN "granted" THEN 'granted' ELSE 'refused' END, count(*)::int FROM "Consent" GROUP BY "granted"
    UNION ALL SELECT 'outbox', "status"::text, count(*)::int FROM "OutboxMessage" GROUP BY "status"
    UNION ALL SELECT 'webhookEvents', "status"::text, count(*)::int FROM "InboxEvent" WHERE "eventType" <> 'discord' GROUP BY "status"
    UNION ALL SELECT 'audit', 'rows', count(*)::int FROM "AuditLog"`;
  const count = (entity: string, status: string) => rows.find((r) => r.entity === entity && r.status === status)?.count ?? 0;
  const byStatus = (entity: string, statuses: string[]) => Object.fromEntries(statuses.map((s) => [s, count(entity, s)]));
  return {
    applications: byStatus('applications', ['draft', 'submitted', 'withdrawn']),
    participants: byStatus('participants', ['total', 'unreachable']),
    consents: byStatus('consents', ['granted', 'refused']),
    outbox: byStatus('outbox', ['held', 'pending', 'sent', 'skipped', 'failed']),
    webhookEvents: byStatus('webhookEvents', ['pending', 'processed', 'ignored', 'failed']),
    audit: byStatus('audit', ['rows']),
  };
}
