import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

/** Who holds what in one seminar, for staff: ids only (staff open a person through the roles that may see them). */
export interface SeminarRoster {
  booked: Array<{ bookingId: string; participantId: string }>;
  offered: Array<{ bookingId: string; participantId: string; expiresAt: Date }>;
  /** In queue order: `position` 1 is offered the next free seat. */
  waitlisted: Array<{ bookingId: string; participantId: string; position: number }>;
}

/** The live bookings of a seminar in one statement: booked and offered by join order, the waitlist with positions. */
export async function seminarRoster(db: SqlClient, seminarId: string): Promise<SeminarRoster> {
  const rows = await db.rows<Pick<tables.SeminarBooking, 'id' | 'participantId' | 'status' | 'offerExpiresAt'>>`
    SELECT "id"::text AS "id", "participantId"::text AS "participantId", "status"::text AS "status", "offerExpiresAt"
    FROM "SeminarBooking" WHERE "seminarId" = ${seminarId} AND "status" IN ('booked', 'offered', 'waitlisted')
    ORDER BY "joinOrder"`;
  const roster: SeminarRoster = { booked: [], offered: [], waitlisted: [] };
  for (const row of rows) {
    const who = { bookingId: row.id, participantId: row.participantId };
    if (row.status === 'booked') roster.booked.push(who);
    else if (row.status === 'offered') roster.offered.push({ ...who, expiresAt: row.offerExpiresAt! });
    else roster.waitlisted.push({ ...who, position: roster.waitlisted.length + 1 });
  }
  return roster;
}
