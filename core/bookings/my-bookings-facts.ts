import type { ConsultationFacts } from '../../flows/consult/consult-types.ts';
import type { HeldRegistration, MyBookingsFacts } from '../../flows/my-bookings/my-bookings-types.ts';
import type { BookingFacts, LiveBookingStatus, SeminarState } from '../../flows/seminar/seminar-types.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { ticketFacts, ticketToken } from '../events/ticket-token.ts';

type Row = tables.Computed<{
  kind: 'registration' | 'seminar' | 'consultation';
  participantId: string;
  /** The registration's, the seminar booking's or the consultation's id. */
  id: string;
  /** The attendee type, the seminar's id, or the slot's id. */
  ref: string;
  status: string;
  position: number | null;
  boothId: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  offerExpiresAt: Date | null;
  ticketNonce: string | null;
  roomJa: string | null;
  roomEn: string | null;
  capacity: number | null;
  held: number | null;
  waiting: number | null;
}>;

export interface MyBookingsScope {
  /** The program's event; without one there is no registration to show. */
  eventId?: string;
  sealer: Sealer;
  /** Where tickets' QR images are served (as the event module shows them). */
  publicUrl?: string;
}

/**
 * What many people hold, in ONE statement over the three tables (the runtime loads a
 * batch's facts at once): their place or waitlist place at the event (with the ticket's
 * token; the answers stay sealed, this module never shows them), their live seminar
 * bookings with the seminar as it stands, and their booked consultations. A waitlist
 * position counts those waiting before them in join order, themselves included.
 */
export async function loadMyBookings(db: SqlClient, scope: MyBookingsScope, participantIds: readonly string[]): Promise<(participantId: string) => MyBookingsFacts> {
  const eventId = scope.eventId ?? null;
  const rows = participantIds.length === 0 ? [] : await db.rows<Row>`
    SELECT 'registration' AS "kind", r."participantId"::text AS "participantId", r."id"::text AS "id", r."attendeeType" AS "ref",
           r."status"::text AS "status",
           CASE WHEN r."status" = 'waitlisted' THEN (
             SELECT count(*)::int FROM "EventRegistration" w
             WHERE w."eventId" = r."eventId" AND w."status" = 'waitlisted' AND w."joinOrder" <= r."joinOrder") END AS "position",
           NULL::text AS "boothId", NULL::timestamp AS "startsAt", NULL::timestamp AS "endsAt", NULL::timestamp AS "offerExpiresAt",
           r."ticketNonce", NULL::text AS "roomJa", NULL::text AS "roomEn", NULL::int AS "capacity", NULL::int AS "held", NULL::int AS "waiting"
    FROM "EventRegistration" r
    WHERE r."eventId" = ${eventId}::text AND r."participantId" = ANY(${participantIds}::uuid[]) AND r."status" IN ('registered', 'waitlisted')
    UNION ALL
    SELECT 'seminar', b."participantId"::text, b."id"::text, b."seminarId", b."status"::text,
           CASE WHEN b."status" = 'waitlisted' THEN (
             SELECT count(*)::int FROM "SeminarBooking" w
             WHERE w."seminarId" = b."seminarId" AND w."status" = 'waitlisted' AND w."joinOrder" <= b."joinOrder") END,
           NULL, s."startsAt", s."endsAt", b."offerExpiresAt", NULL, s."roomJa", s."roomEn", s."capacity", s."heldCount",
           (SELECT count(*)::int FROM "SeminarBooking" w WHERE w."seminarId" = s."id" AND w."status" = 'waitlisted')
    FROM "SeminarBooking" b JOIN "Seminar" s ON s."id" = b."seminarId"
    WHERE b."participantId" = ANY(${participantIds}::uuid[]) AND b."status" IN ('booked', 'waitlisted', 'offered')
    UNION ALL
    SELECT 'consultation', c."participantId"::text, c."id"::text, c."slotId", c."status"::text, NULL,
           c."boothId", c."startsAt", c."endsAt", NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM "Consultation" c
    WHERE c."participantId" = ANY(${participantIds}::uuid[]) AND c."status" = 'booked'
      AND (${eventId}::text IS NULL OR c."eventId" = ${eventId}::text)`;
  const byPerson = new Map<string, MyBookingsFacts>();
  const of = (participantId: string) => {
    let facts = byPerson.get(participantId);
    if (!facts) byPerson.set(participantId, facts = { registration: null, seminars: { bookings: [], states: [] }, consultations: [] });
    return facts;
  };
  for (const row of rows) {
    const facts = of(row.participantId);
    if (row.kind === 'registration') facts.registration = registrationOf(row, scope);
    else if (row.kind === 'seminar') {
      facts.seminars.bookings.push(seminarBookingOf(row));
      facts.seminars.states.push(seminarStateOf(row));
    } else facts.consultations.push(consultationOf(row));
  }
  for (const facts of byPerson.values()) {
    facts.seminars.states.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
    facts.consultations.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  }
  return (participantId) => byPerson.get(participantId) ?? { registration: null, seminars: { bookings: [], states: [] }, consultations: [] };
}

function registrationOf(row: Row, scope: MyBookingsScope): HeldRegistration {
  const status = row.status as HeldRegistration['status'];
  return {
    registrationId: row.id, status, attendeeType: row.ref,
    ...(row.position === null ? {} : { position: row.position }),
    ...(status === 'registered' ? { ticket: ticketFacts(ticketToken(scope.sealer, row.id, row.ticketNonce!), scope.publicUrl) } : {}),
  };
}

function seminarBookingOf(row: Row): BookingFacts {
  return {
    bookingId: row.id, seminarId: row.ref, status: row.status as LiveBookingStatus,
    ...(row.position === null ? {} : { position: row.position }),
    ...(row.offerExpiresAt ? { offerExpiresAt: row.offerExpiresAt.toISOString() } : {}),
  };
}

function seminarStateOf(row: Row): SeminarState {
  return {
    id: row.ref, capacity: row.capacity!, held: row.held!, waiting: row.waiting!,
    startsAt: row.startsAt!.toISOString(), endsAt: row.endsAt!.toISOString(), room: { ja: row.roomJa!, en: row.roomEn! },
  };
}

function consultationOf(row: Row): ConsultationFacts {
  return { consultationId: row.id, slotId: row.ref, boothId: row.boothId!, startsAt: row.startsAt!.toISOString(), endsAt: row.endsAt!.toISOString(), status: 'booked' };
}
