import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

/** One seminar's figures for `ouen stats` and the completion report. Never personal data. */
export interface SeminarCount {
  id: string;
  capacity: number;
  /** Seats taken (an offer not yet accepted is not counted: it is held, not booked). */
  booked: number;
  /** People waiting without an offer. */
  waitlisted: number;
}

/** Every synced seminar's capacity, bookings and waitlist, in start order, in one statement. */
export async function seminarCounts(db: SqlClient): Promise<SeminarCount[]> {
  return db.rows<Pick<tables.Seminar, 'id' | 'capacity'> & tables.Computed<{ booked: number; waitlisted: number }>>`
    SELECT s."id", s."capacity",
           count(b."id") FILTER (WHERE b."status" = 'booked')::int AS "booked",
           count(b."id") FILTER (WHERE b."status" = 'waitlisted')::int AS "waitlisted"
    FROM "Seminar" s LEFT JOIN "SeminarBooking" b ON b."seminarId" = s."id"
    GROUP BY s."id" ORDER BY min(s."startsAt"), s."id"`;
}
