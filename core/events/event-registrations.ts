import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import {
  registrationAnswersContext, type EventAnswers, type EventRegistrationFacts,
} from './event-registration-types.ts';
import { ticketToken } from './ticket-token.ts';

/**
 * The registrations of many people for one event, unsealed, by participant id, in ONE
 * statement (the runtime loads the facts of a batch of turns at once). People without a
 * registration are absent from the map; a cancelled registration is present (the flow
 * can say "you cancelled"). A waitlisted person's position counts those waiting before
 * them in join order, themselves included.
 */
export async function loadEventRegistrations(
  db: SqlClient, sealer: Sealer, eventId: string, participantIds: readonly string[],
): Promise<Map<string, EventRegistrationFacts>> {
  if (participantIds.length === 0) return new Map();
  const rows = await db.rows<RegistrationRow & Pick<tables.EventRegistration, 'participantId' | 'attendeeType' | 'answersSealed'>>`
    SELECT r."id"::text AS "id", r."participantId"::text AS "participantId", r."status"::text AS "status", r."attendeeType",
           r."answersSealed", r."ticketNonce",
           CASE WHEN r."status" = 'waitlisted' THEN (
             SELECT count(*)::int FROM "EventRegistration" w
             WHERE w."eventId" = r."eventId" AND w."status" = 'waitlisted' AND w."joinOrder" <= r."joinOrder") END AS "position"
    FROM "EventRegistration" r
    WHERE r."eventId" = ${eventId} AND r."participantId" = ANY(${participantIds}::uuid[])`;
  return new Map(rows.map((row) => [row.participantId, {
    ...standing(sealer, row),
    attendeeType: row.attendeeType,
    answers: sealer.openJson<EventAnswers>(row.answersSealed, registrationAnswersContext(row.id)),
  }]));
}

type RegistrationRow = Pick<tables.EventRegistration, 'id' | 'status' | 'ticketNonce'> & tables.Computed<{ position: number | null }>;

/** Where one person stands (no answers opened), or null; for the service's own answers. */
export async function registrationStanding(
  db: SqlClient, sealer: Sealer, eventId: string, participantId: string,
): Promise<Omit<EventRegistrationFacts, 'attendeeType' | 'answers'> | null> {
  const rows = await db.rows<RegistrationRow>`
    SELECT r."id"::text AS "id", r."status"::text AS "status", r."ticketNonce",
           CASE WHEN r."status" = 'waitlisted' THEN (
             SELECT count(*)::int FROM "EventRegistration" w
             WHERE w."eventId" = r."eventId" AND w."status" = 'waitlisted' AND w."joinOrder" <= r."joinOrder") END AS "position"
    FROM "EventRegistration" r
    WHERE r."eventId" = ${eventId} AND r."participantId" = ${participantId}::uuid`;
  return rows[0] ? standing(sealer, rows[0]) : null;
}

function standing(sealer: Sealer, row: RegistrationRow): Omit<EventRegistrationFacts, 'attendeeType' | 'answers'> {
  return {
    registrationId: row.id,
    status: row.status,
    ...(row.position === null ? {} : { position: row.position }),
    ...(row.status === 'registered' ? { ticket: ticketToken(sealer, row.id, row.ticketNonce) } : {}),
  };
}
