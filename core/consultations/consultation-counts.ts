import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

/**
 * The event's consultations in figures (`ouen stats`, the completion report): slots
 * offered, consultations booked and kept (`booked`), and no-shows. Cancelled and moved
 * bookings are not counted (a move's new booking is). One statement.
 */
export async function consultationCounts(db: SqlClient, eventId: string): Promise<{ slots: number; booked: number; noShows: number }> {
  const [row] = await db.rows<tables.Computed<{ slots: number; booked: number; noShows: number }>>`
    SELECT (SELECT count(*)::int FROM "BoothSlot" WHERE "eventId" = ${eventId} AND "retiredAt" IS NULL) AS "slots",
           (SELECT count(*)::int FROM "Consultation" WHERE "eventId" = ${eventId} AND "status" = 'booked') AS "booked",
           (SELECT count(*)::int FROM "Consultation" WHERE "eventId" = ${eventId} AND "status" = 'noShow') AS "noShows"`;
  return row!;
}
