import type { SeminarsConfig } from '../../flows/seminar/seminar-config.ts';
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

/**
 * The program file's seminars with their figures (`ouen stats`): a seminar not yet synced
 * counts zero with its configured capacity; one synced has the run-time capacity.
 */
export async function seminarStats(db: SqlClient, config: SeminarsConfig | undefined): Promise<SeminarCount[]> {
  if (!config) return [];
  const counted = new Map((await seminarCounts(db)).map((c) => [c.id, c]));
  return config.list.map((s) => counted.get(s.id) ?? { id: s.id, capacity: s.capacity, booked: 0, waitlisted: 0 });
}
