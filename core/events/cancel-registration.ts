import { z } from 'zod';
import type { AuditEntry } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { lockEvent } from './event-lock.ts';
import type { PromotedRegistration } from './event-registration-types.ts';
import { promoteWaiting } from './promote-waiting.ts';

export interface CancelInput {
  eventId: string;
  /** Who asks: only their own registration can be cancelled. */
  participantId: string;
  /** As the flow has it (a button's postback): checked, never trusted. */
  registrationId: string;
  now: Date;
  actor: string;
}

/**
 * What came of a cancellation:
 * - `cancelled`: done; when it freed a place, `promoted` is the first person waiting, who
 *   now holds it (tell them by push, through the outbox, with their ticket);
 * - `notFound`: no such registration for this person and event — a guessed id, someone
 *   else's id and a malformed id get this same answer, so nothing leaks about others;
 * - `alreadyCancelled`: their registration was cancelled before (a double tap).
 */
export type CancelOutcome =
  | { outcome: 'cancelled'; promoted?: PromotedRegistration; audit: AuditEntry[] }
  | { outcome: 'notFound'; audit: AuditEntry[] }
  | { outcome: 'alreadyCancelled'; audit: AuditEntry[] };

const inputSchema = z.object({
  eventId: z.string().min(1).max(40),
  participantId: z.uuid(),
  registrationId: z.string().max(200),
  now: z.date(),
  actor: z.string().min(1).max(200),
});

/**
 * Cancels a person's own registration inside the caller's transaction, under the event's
 * lock (event-lock.ts). A registered place is freed and, in the same transaction, given
 * to the first person waiting in join order. Cancelling is allowed whenever the event
 * exists, also after registration closed (a place given back before the day still helps).
 */
export async function cancelEventRegistration(db: SqlClient, sealer: Sealer, input: CancelInput): Promise<CancelOutcome> {
  const { eventId, participantId, registrationId, now, actor } = inputSchema.parse(input);
  if (!z.uuid().safeParse(registrationId).success) return { outcome: 'notFound', audit: [] };
  if (!await lockEvent(db, eventId)) return { outcome: 'notFound', audit: [] };
  const at = now.toISOString();
  const rows = await db.rows<tables.Computed<{ was: tables.EventRegistration['status'] }>>`
    WITH "before" AS (
      SELECT "id", "status" FROM "EventRegistration"
      WHERE "id" = ${registrationId}::uuid AND "eventId" = ${eventId} AND "participantId" = ${participantId}::uuid
      FOR UPDATE
    ), "cancelled" AS (
      UPDATE "EventRegistration" r
      SET "status" = 'cancelled', "cancelledAt" = ${at}::timestamptz AT TIME ZONE 'UTC', "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
      FROM "before" WHERE r."id" = "before"."id" AND "before"."status" <> 'cancelled'
      RETURNING r."id"
    )
    SELECT "status"::text AS "was" FROM "before"`;
  const was = rows[0]?.was;
  if (was === undefined) return { outcome: 'notFound', audit: [] };
  if (was === 'cancelled') return { outcome: 'alreadyCancelled', audit: [] };
  const audit: AuditEntry[] = [{ actor, action: 'event.cancelled', entity: 'event-registration', entityId: registrationId, detail: { eventId, was } }];
  if (was === 'waitlisted') return { outcome: 'cancelled', audit };

  await db.run`
    UPDATE "Event" SET "registeredCount" = "registeredCount" - 1, "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${eventId}`;
  const { promoted, audit: promotions } = await promoteWaiting(db, sealer, { eventId, now, actor, cause: registrationId });
  return { outcome: 'cancelled', ...(promoted[0] ? { promoted: promoted[0] } : {}), audit: [...audit, ...promotions] };
}
