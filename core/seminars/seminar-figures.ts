import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

/** One seminar in figures for staff's list (`/seminars`): no personal data. */
export type SeminarFigures = Pick<tables.Seminar, 'id' | 'capacity' | 'startsAt' | 'endsAt' | 'roomJa' | 'roomEn'> & {
  booked: number;
  /** Seats held for someone offered them, not yet answered. */
  offered: number;
  waitlisted: number;
};

/** Every synced seminar with its run-time capacity, time and room and its counts, in start order, in one statement. */
export async function seminarFigures(db: SqlClient): Promise<SeminarFigures[]> {
  return db.rows<SeminarFigures>`
    SELECT s."id", s."capacity", s."startsAt", s."endsAt", s."roomJa", s."roomEn",
           count(b."id") FILTER (WHERE b."status" = 'booked')::int AS "booked",
           count(b."id") FILTER (WHERE b."status" = 'offered')::int AS "offered",
           count(b."id") FILTER (WHERE b."status" = 'waitlisted')::int AS "waitlisted"
    FROM "Seminar" s LEFT JOIN "SeminarBooking" b ON b."seminarId" = s."id"
    GROUP BY s."id" ORDER BY s."startsAt", s."id"`;
}
