import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AuditEntry } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { lockEvent, registrationOpen } from './event-lock.ts';
import { attendeeTypeSchema, eventAnswersSchema, registrationAnswersContext, type EventAnswers } from './event-registration-types.ts';
import { registrationStanding } from './event-registrations.ts';
import { newTicketNonce, ticketToken } from './ticket-token.ts';

export interface RegisterInput {
  eventId: string;
  participantId: string;
  /** One of the event's attendee types (flows/event/event-config.ts); kept in clear for the counts. */
  attendeeType: string;
  /** Question id → answer; sealed whole. */
  answers: EventAnswers;
  now: Date;
  /** Who registers, for the audit log: `line:<participant id>`, `discord:<user id>`. */
  actor: string;
}

/**
 * What came of a registration; the flow answers from it. Domain refusals are outcomes:
 * - `registered`: a place, and its ticket token (ticket-token.ts);
 * - `waitlisted`: no place free, `position` 1 = next in line;
 * - `closed`: outside the registration window, or the event was never synced;
 * - `already`: this person holds a place or waits already (a second registration, a
 *   double tap); nothing changed. Someone who cancelled registers anew, at the end of the queue.
 * `audit` is for the caller to append with the turn's other entries (no personal data).
 */
export type RegisterOutcome =
  | { outcome: 'registered'; registrationId: string; ticket: string; audit: AuditEntry[] }
  | { outcome: 'waitlisted'; registrationId: string; position: number; audit: AuditEntry[] }
  | { outcome: 'closed'; audit: AuditEntry[] }
  | { outcome: 'already'; registrationId: string; status: 'registered' | 'waitlisted'; position?: number; ticket?: string; audit: AuditEntry[] };

const inputSchema = z.object({
  eventId: z.string().min(1).max(40),
  participantId: z.uuid(),
  attendeeType: attendeeTypeSchema,
  answers: eventAnswersSchema,
  now: z.date(),
  actor: z.string().min(1).max(200),
});

/**
 * Registers a person for an event inside the caller's transaction (`db` must be one).
 *
 * Invariants, held by the database: one registration per person per event (the unique
 * key; a concurrent duplicate meets `ON CONFLICT` and is answered `already`), and never
 * more registered than places (a conditional update of the event's counter, with a
 * guard_ check behind it). The event row's lock (event-lock.ts) orders registrations of
 * one event, so join order, positions and the counter agree; a place goes to a newcomer
 * only when nobody waits before them. Capacity 0: everyone waits (places opened later by
 * raising the capacity go to the waitlist in order).
 *
 * A malformed input (not a UUID, an answer that is not text) is a programming error and
 * throws; nothing is stored then.
 */
export async function registerForEvent(db: SqlClient, sealer: Sealer, input: RegisterInput): Promise<RegisterOutcome> {
  const { eventId, participantId, attendeeType, answers, now, actor } = inputSchema.parse(input);
  const event = await lockEvent(db, eventId);
  if (!event) return { outcome: 'closed', audit: [] };
  if (!registrationOpen(event, now)) return (await already(db, sealer, eventId, participantId)) ?? { outcome: 'closed', audit: [] };

  const joined = await insertWaiting(db, sealer, { eventId, participantId, attendeeType, answers, now })
    ?? await rejoinAfterCancel(db, sealer, { eventId, participantId, attendeeType, answers, now });
  // No new row and none cancelled: the person holds a place or waits already (the unique key said so).
  if (!joined) {
    const standing = await already(db, sealer, eventId, participantId);
    if (!standing) throw new Error('a registration conflicted but none is active');
    return standing;
  }

  const at = now.toISOString();
  // The place: counted on the event row only if one is free and nobody waits before this
  // person, and given to the registration in the same statement.
  const placed = await db.rows<Pick<tables.Event, 'id'>>`
    WITH "took" AS (
      UPDATE "Event" SET "registeredCount" = "registeredCount" + 1, "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
      WHERE "id" = ${eventId} AND "registeredCount" < "capacity"
        AND NOT EXISTS (SELECT 1 FROM "EventRegistration" w
                        WHERE w."eventId" = ${eventId} AND w."status" = 'waitlisted' AND w."joinOrder" < ${joined.joinOrder}::bigint)
      RETURNING "id"
    )
    UPDATE "EventRegistration" SET "status" = 'registered'
    WHERE "id" = ${joined.id}::uuid AND EXISTS (SELECT 1 FROM "took")
    RETURNING "id"::text AS "id"`;
  const entry = (action: string, detail: Record<string, unknown>): AuditEntry => ({
    actor, action, entity: 'event-registration', entityId: joined.id, detail: { eventId, attendeeType, ...detail },
  });
  if (placed.length > 0) {
    return { outcome: 'registered', registrationId: joined.id, ticket: ticketToken(sealer, joined.id, joined.nonce), audit: [entry('event.registered', {})] };
  }
  const [counted] = await db.rows<tables.Computed<{ position: number }>>`
    SELECT count(*)::int AS "position" FROM "EventRegistration"
    WHERE "eventId" = ${eventId} AND "status" = 'waitlisted' AND "joinOrder" <= ${joined.joinOrder}::bigint`;
  return { outcome: 'waitlisted', registrationId: joined.id, position: counted!.position, audit: [entry('event.waitlisted', { position: counted!.position })] };
}

interface Joining {
  eventId: string;
  participantId: string;
  attendeeType: string;
  answers: EventAnswers;
  now: Date;
}

interface Joined {
  id: string;
  joinOrder: bigint;
  nonce: string;
}

/** A new registration, waiting, with the next join number; null when the person has one (any status). */
async function insertWaiting(db: SqlClient, sealer: Sealer, joining: Joining): Promise<Joined | null> {
  const id = randomUUID();
  const nonce = newTicketNonce();
  const at = joining.now.toISOString();
  const rows = await db.rows<Pick<tables.EventRegistration, 'joinOrder'>>`
    INSERT INTO "EventRegistration" ("id", "eventId", "participantId", "status", "attendeeType", "answersSealed", "ticketNonce", "joinedAt", "createdAt", "updatedAt")
    VALUES (${id}::uuid, ${joining.eventId}, ${joining.participantId}::uuid, 'waitlisted', ${joining.attendeeType},
            ${sealer.sealJson(joining.answers, registrationAnswersContext(id))}, ${nonce},
            ${at}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC')
    ON CONFLICT ("eventId", "participantId") DO NOTHING
    RETURNING "joinOrder"`;
  return rows[0] ? { id, joinOrder: rows[0].joinOrder, nonce } : null;
}

/**
 * A person who cancelled registers again: the same row (one per person per event) with a
 * new join number at the end of the queue, the new answers, and a new nonce, so the old
 * ticket stays void. Null when their registration is not cancelled.
 */
async function rejoinAfterCancel(db: SqlClient, sealer: Sealer, joining: Joining): Promise<Joined | null> {
  const [cancelled] = await db.rows<Pick<tables.EventRegistration, 'id'>>`
    SELECT "id"::text AS "id" FROM "EventRegistration"
    WHERE "eventId" = ${joining.eventId} AND "participantId" = ${joining.participantId}::uuid AND "status" = 'cancelled'`;
  if (!cancelled) return null;
  const nonce = newTicketNonce();
  const at = joining.now.toISOString();
  const rows = await db.rows<Pick<tables.EventRegistration, 'joinOrder'>>`
    UPDATE "EventRegistration"
    SET "status" = 'waitlisted', "joinOrder" = nextval(pg_get_serial_sequence('"EventRegistration"', 'joinOrder')),
        "attendeeType" = ${joining.attendeeType}, "answersSealed" = ${sealer.sealJson(joining.answers, registrationAnswersContext(cancelled.id))},
        "ticketNonce" = ${nonce}, "joinedAt" = ${at}::timestamptz AT TIME ZONE 'UTC', "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC', "cancelledAt" = NULL
    WHERE "id" = ${cancelled.id}::uuid AND "status" = 'cancelled'
    RETURNING "joinOrder"`;
  return rows[0] ? { id: cancelled.id, joinOrder: rows[0].joinOrder, nonce } : null;
}

async function already(db: SqlClient, sealer: Sealer, eventId: string, participantId: string): Promise<RegisterOutcome | null> {
  const standing = await registrationStanding(db, sealer, eventId, participantId);
  if (!standing || standing.status === 'cancelled') return null;
  return {
    outcome: 'already', registrationId: standing.registrationId, status: standing.status,
    ...(standing.position === undefined ? {} : { position: standing.position }),
    ...(standing.ticket === undefined ? {} : { ticket: standing.ticket }),
    audit: [],
  };
}
