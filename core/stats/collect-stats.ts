import { CONTEST_FLOW_ID } from '../../flows/index.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

export type Stats = Record<string, Record<string, number>>;

/**
 * Counts per entity and status: the figures the completion report needs (the CLI's
 * `stats`, the staff dashboard). Never personal data. One statement.
 *
 * Consent is counted in people, per purpose, by each person's latest decision: someone
 * who agreed twice (a second application after a withdrawal) is one person who agreed,
 * and someone who agreed and later refused counts as refused. `consentsGranted` and
 * `consentsRefused` are keyed by purpose (the flow that asked: `contest-application`).
 *
 * `event` (registrations for the program's event: capacity, registered, waitlisted,
 * cancelled) is there when the program configures an event, and left out when it does
 * not; before the event is first synced its capacity is the configured one and the
 * counts are zero.
 *
 * `consultations` (booth slots offered, consultations booked and kept, no-shows) is there
 * when the program configures booths (`consultationsOf`: the event they belong to).
 */
export async function collectStats(
  db: SqlClient, contestId: string, event?: { id: string; capacity: number }, consultationsOf?: string,
): Promise<Stats> {
  const rows = await db.rows<tables.Computed<{ entity: string; status: string; count: number }>>`
    WITH "current" AS (
      SELECT DISTINCT ON ("participantId", "purpose") "purpose", "granted" FROM "Consent"
      ORDER BY "participantId", "purpose", "decidedAt" DESC, "id"
    )
    SELECT 'applications' AS "entity", "status"::text AS "status", count(*)::int AS "count" FROM "Application" WHERE "contestId" = ${contestId} GROUP BY "status"
    UNION ALL SELECT 'participants', 'total', count(*)::int FROM "Participant"
    UNION ALL SELECT 'participants', 'unreachable', count(*)::int FROM "Participant" WHERE "unreachableAt" IS NOT NULL
    UNION ALL SELECT CASE WHEN "granted" THEN 'consentsGranted' ELSE 'consentsRefused' END, "purpose", count(*)::int FROM "current" GROUP BY "granted", "purpose"
    UNION ALL SELECT 'outbox', "status"::text, count(*)::int FROM "OutboxMessage" GROUP BY "status"
    UNION ALL SELECT 'webhookEvents', "status"::text, count(*)::int FROM "InboxEvent" WHERE "eventType" <> 'discord' GROUP BY "status"
    UNION ALL SELECT 'audit', 'rows', count(*)::int FROM "AuditLog"
    UNION ALL SELECT 'event', 'capacity', "capacity" FROM "Event" WHERE "id" = ${event?.id ?? null}
    UNION ALL SELECT 'event', "status"::text, count(*)::int FROM "EventRegistration" WHERE "eventId" = ${event?.id ?? null} GROUP BY "status"
    UNION ALL SELECT 'consultations', 'slots', count(*)::int FROM "BoothSlot" WHERE "eventId" = ${consultationsOf ?? null} AND "retiredAt" IS NULL
    UNION ALL SELECT 'consultations', "status"::text, count(*)::int FROM "Consultation"
      WHERE "eventId" = ${consultationsOf ?? null} AND "status" IN ('booked', 'noShow') GROUP BY "status"`;
  const count = (entity: string, status: string) => rows.find((r) => r.entity === entity && r.status === status)?.count ?? 0;
  const byStatus = (entity: string, statuses: string[]) => Object.fromEntries(statuses.map((s) => [s, count(entity, s)]));
  // The synced row's capacity (it can keep more places than configured: core/events/sync-event.ts); the configured one before the first sync.
  const eventCapacity = rows.some((r) => r.entity === 'event' && r.status === 'capacity') ? count('event', 'capacity') : event?.capacity ?? 0;
  // The contest's purpose always appears (0 before anyone answered); any other purpose once someone answered it.
  const purposes = [...new Set([CONTEST_FLOW_ID, ...rows.filter((r) => r.entity.startsWith('consents')).map((r) => r.status)])];
  return {
    applications: byStatus('applications', ['draft', 'submitted', 'withdrawn']),
    participants: byStatus('participants', ['total', 'unreachable']),
    consentsGranted: byStatus('consentsGranted', purposes),
    consentsRefused: byStatus('consentsRefused', purposes),
    outbox: byStatus('outbox', ['held', 'pending', 'sent', 'skipped', 'failed']),
    webhookEvents: byStatus('webhookEvents', ['pending', 'processed', 'ignored', 'failed']),
    audit: byStatus('audit', ['rows']),
    ...(event ? { event: { capacity: eventCapacity, ...byStatus('event', ['registered', 'waitlisted', 'cancelled']) } } : {}),
    ...(consultationsOf ? { consultations: { slots: count('consultations', 'slots'), booked: count('consultations', 'booked'), noShows: count('consultations', 'noShow') } } : {}),
  };
}

/** The program's event as collectStats takes it; undefined when the program has none. */
export function statsEventOf(program: ProgramConfig): { id: string; capacity: number } | undefined {
  return program.event && { id: program.event.id, capacity: program.event.registration.capacity };
}

/** The event the program's booth consultations belong to, for collectStats; undefined without booths. */
export function statsConsultationsOf(program: ProgramConfig): string | undefined {
  return program.booths ? program.event?.id : undefined;
}
