import type { BookingFacts, LiveBookingStatus, SeminarState } from '../../flows/seminar/seminar-types.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

type LiveRow = Pick<tables.SeminarBooking, 'id' | 'participantId' | 'seminarId' | 'offerExpiresAt'>
  & tables.Computed<{ status: LiveBookingStatus; position: number | null }>;

/**
 * The live bookings (booked, waitlisted, offered) of many people, by participant id, in
 * ONE statement. A waitlisted person's position counts those waiting (without an offer)
 * before them in join order, themselves included.
 */
export async function loadLiveBookings(db: SqlClient, participantIds: readonly string[]): Promise<Map<string, BookingFacts[]>> {
  const byPerson = new Map<string, BookingFacts[]>();
  if (participantIds.length === 0) return byPerson;
  const rows = await db.rows<LiveRow>`
    SELECT b."id"::text AS "id", b."participantId"::text AS "participantId", b."seminarId", b."status"::text AS "status", b."offerExpiresAt",
           CASE WHEN b."status" = 'waitlisted' THEN (
             SELECT count(*)::int FROM "SeminarBooking" w
             WHERE w."seminarId" = b."seminarId" AND w."status" = 'waitlisted' AND w."joinOrder" <= b."joinOrder") END AS "position"
    FROM "SeminarBooking" b
    WHERE b."participantId" = ANY(${participantIds}::uuid[]) AND b."status" IN ('booked', 'waitlisted', 'offered')`;
  for (const row of rows) {
    const list = byPerson.get(row.participantId) ?? [];
    list.push(factsOf(row));
    byPerson.set(row.participantId, list);
  }
  return byPerson;
}

/** One person's live booking of one seminar, or null; for the services' own answers. */
export async function liveBooking(db: SqlClient, seminarId: string, participantId: string): Promise<{ bookingId: string; status: LiveBookingStatus; position?: number } | null> {
  const all = await loadLiveBookings(db, [participantId]);
  const found = all.get(participantId)?.find((b) => b.seminarId === seminarId);
  if (!found) return null;
  return { bookingId: found.bookingId, status: found.status, ...(found.position === undefined ? {} : { position: found.position }) };
}

function factsOf(row: LiveRow): BookingFacts {
  return {
    bookingId: row.id, seminarId: row.seminarId, status: row.status,
    ...(row.position === null ? {} : { position: row.position }),
    ...(row.offerExpiresAt ? { offerExpiresAt: row.offerExpiresAt.toISOString() } : {}),
  };
}

/** Every synced seminar as it stands now, with how many wait: the same for everyone in a batch. */
export async function loadSeminarStates(db: SqlClient): Promise<SeminarState[]> {
  const rows = await db.rows<Pick<tables.Seminar, 'id' | 'capacity' | 'heldCount' | 'startsAt' | 'endsAt' | 'roomJa' | 'roomEn'> & tables.Computed<{ waiting: number }>>`
    SELECT s."id", s."capacity", s."heldCount", s."startsAt", s."endsAt", s."roomJa", s."roomEn",
           (SELECT count(*)::int FROM "SeminarBooking" w WHERE w."seminarId" = s."id" AND w."status" = 'waitlisted') AS "waiting"
    FROM "Seminar" s ORDER BY s."startsAt", s."id"`;
  return rows.map((r) => ({
    id: r.id, capacity: r.capacity, held: r.heldCount, waiting: r.waiting,
    startsAt: r.startsAt.toISOString(), endsAt: r.endsAt.toISOString(), room: { ja: r.roomJa, en: r.roomEn },
  }));
}
