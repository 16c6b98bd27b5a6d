import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

/**
 * Another seminar this person is booked for whose time overlaps [startsAt, endsAt), the
 * earliest first; null when none. Back-to-back seminars (one ends as the next starts) do
 * not overlap. Offers and waitlist places do not count: only a seat can clash.
 */
export async function overlappingSeminar(
  tx: SqlClient, participantId: string, seminar: { id: string; startsAt: Date; endsAt: Date },
): Promise<string | null> {
  const rows = await tx.rows<Pick<tables.Seminar, 'id'>>`
    SELECT s."id" FROM "SeminarBooking" b JOIN "Seminar" s ON s."id" = b."seminarId"
    WHERE b."participantId" = ${participantId}::uuid AND b."status" = 'booked' AND s."id" <> ${seminar.id}
      AND s."startsAt" < ${seminar.endsAt.toISOString()}::timestamptz AT TIME ZONE 'UTC'
      AND s."endsAt" > ${seminar.startsAt.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    ORDER BY s."startsAt", s."id" LIMIT 1`;
  return rows[0]?.id ?? null;
}
