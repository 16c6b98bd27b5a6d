import type { AuditEntry } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import type { PromotedRegistration } from './event-registration-types.ts';
import { ticketToken } from './ticket-token.ts';

/**
 * Gives the free places of an event to the people waiting, first come first served (join
 * order), and counts them in the same statement; the caller holds the event's lock
 * (event-lock.ts). With no free place or nobody waiting it changes nothing. The guard_
 * check on the counter makes an overfill fail the transaction rather than happen.
 */
export async function promoteWaiting(
  tx: SqlClient, sealer: Sealer, input: { eventId: string; now: Date; actor: string; cause: string },
): Promise<{ promoted: PromotedRegistration[]; audit: AuditEntry[] }> {
  const now = input.now.toISOString();
  const rows = await tx.rows<Pick<tables.EventRegistration, 'id' | 'participantId' | 'ticketNonce'>>`
    WITH "free" AS (
      SELECT greatest("capacity" - "registeredCount", 0) AS "places" FROM "Event" WHERE "id" = ${input.eventId}
    ), "next" AS (
      SELECT "id" FROM "EventRegistration"
      WHERE "eventId" = ${input.eventId} AND "status" = 'waitlisted'
      ORDER BY "joinOrder" LIMIT coalesce((SELECT "places" FROM "free"), 0)
      FOR UPDATE
    ), "promoted" AS (
      UPDATE "EventRegistration" r SET "status" = 'registered', "updatedAt" = ${now}::timestamptz AT TIME ZONE 'UTC'
      FROM "next" WHERE r."id" = "next"."id"
      RETURNING r."id", r."participantId", r."ticketNonce", r."joinOrder"
    ), "counted" AS (
      UPDATE "Event" SET "registeredCount" = "registeredCount" + (SELECT count(*) FROM "promoted")::int,
                         "updatedAt" = ${now}::timestamptz AT TIME ZONE 'UTC'
      WHERE "id" = ${input.eventId} AND EXISTS (SELECT 1 FROM "promoted")
    )
    SELECT "id"::text AS "id", "participantId"::text AS "participantId", "ticketNonce" FROM "promoted" ORDER BY "joinOrder"`;
  return {
    promoted: rows.map((row) => ({ participantId: row.participantId, registrationId: row.id, ticket: ticketToken(sealer, row.id, row.ticketNonce) })),
    audit: rows.map((row) => ({
      actor: input.actor, action: 'event.promoted', entity: 'event-registration', entityId: row.id,
      detail: { eventId: input.eventId, cause: input.cause },
    })),
  };
}
