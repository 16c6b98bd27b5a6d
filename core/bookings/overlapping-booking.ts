import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

/** A booking of the person that holds their time: a booked seminar seat or a booked consultation. */
export type Clash =
  | { kind: 'seminar'; seminarId: string; startsAt: Date; endsAt: Date }
  | { kind: 'consultation'; consultationId: string; slotId: string; boothId: string; startsAt: Date; endsAt: Date };

/** What is being booked (so it does not clash with itself). */
export interface Wanted {
  startsAt: Date;
  endsAt: Date;
  /** The seminar being booked or accepted. */
  seminarId?: string;
  /** The consultation being moved: it gives way to the new slot. */
  consultationId?: string;
}

type Row = Pick<tables.Consultation, 'slotId' | 'boothId' | 'startsAt' | 'endsAt'> & tables.Computed<{ kind: 'seminar' | 'consultation'; id: string }>;

/**
 * The person's earliest booking of either kind whose time overlaps [startsAt, endsAt), or
 * null — in ONE statement, the one place both the seminar and the consultation services
 * ask (a seminar and a consultation cannot be attended at once any more than two
 * seminars). Back-to-back times do not overlap. Only what holds the person's time counts:
 * a booked seat, a booked consultation; a waitlist place, an offer, a no-show do not.
 *
 * Sound for the person's own turns: the turn pipeline holds their participant row's lock
 * (`SELECT … FOR UPDATE`, runtime/run-turn.ts) for the whole turn, and the consultation
 * services take it again (consultation-lock.ts), so two bookings of one person never
 * run this check at the same time and each sees the other's commit. Between consultations
 * the exclusion constraint guard_consultation_no_overlap is the backstop; across kinds
 * the lock is what holds.
 */
export async function overlappingBooking(db: SqlClient, participantId: string, wanted: Wanted): Promise<Clash | null> {
  const from = wanted.startsAt.toISOString();
  const to = wanted.endsAt.toISOString();
  const seminarId = wanted.seminarId ?? null;
  const consultationId = wanted.consultationId ?? null;
  const [row] = await db.rows<Row>`
    SELECT 'seminar' AS "kind", s."id" AS "id", NULL::text AS "slotId", NULL::text AS "boothId", s."startsAt", s."endsAt"
    FROM "SeminarBooking" b JOIN "Seminar" s ON s."id" = b."seminarId"
    WHERE b."participantId" = ${participantId}::uuid AND b."status" = 'booked'
      AND (${seminarId}::text IS NULL OR s."id" <> ${seminarId}::text)
      AND s."startsAt" < ${to}::timestamptz AT TIME ZONE 'UTC' AND s."endsAt" > ${from}::timestamptz AT TIME ZONE 'UTC'
    UNION ALL
    SELECT 'consultation', c."id"::text, c."slotId", c."boothId", c."startsAt", c."endsAt"
    FROM "Consultation" c
    WHERE c."participantId" = ${participantId}::uuid AND c."status" = 'booked'
      AND (${consultationId}::uuid IS NULL OR c."id" <> ${consultationId}::uuid)
      AND c."startsAt" < ${to}::timestamptz AT TIME ZONE 'UTC' AND c."endsAt" > ${from}::timestamptz AT TIME ZONE 'UTC'
    ORDER BY "startsAt", "kind", "id" LIMIT 1`;
  if (!row) return null;
  if (row.kind === 'seminar') return { kind: 'seminar', seminarId: row.id, startsAt: row.startsAt, endsAt: row.endsAt };
  return { kind: 'consultation', consultationId: row.id, slotId: row.slotId, boothId: row.boothId, startsAt: row.startsAt, endsAt: row.endsAt };
}
