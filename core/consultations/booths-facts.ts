import type { BoothsFacts, ConsultationFacts } from '../../flows/consult/consult-types.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

type Row = tables.Computed<{
  kind: 'slot' | 'booking' | 'registered';
  key: string | null;
  participantId: string | null;
  free: number | null;
  consultationId: string | null;
  boothId: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  status: 'booked' | 'noShow' | null;
}>;

/**
 * The facts of many people in ONE statement (the runtime loads a batch's facts at once):
 * each slot's free places (the same for everyone), each person's booked and missed
 * consultations, and who is registered for the event. `anyone`: everybody may book.
 */
export async function loadBoothsFacts(
  db: SqlClient, eventId: string, who: 'registered' | 'anyone', participantIds: readonly string[],
): Promise<(participantId: string) => BoothsFacts> {
  const rows = await db.rows<Row>`
    SELECT 'slot' AS "kind", s."id" AS "key", NULL::text AS "participantId", (s."capacity" - s."bookedCount") AS "free",
           NULL::text AS "consultationId", NULL::text AS "boothId", NULL::timestamp AS "startsAt", NULL::timestamp AS "endsAt", NULL::text AS "status"
    FROM "BoothSlot" s WHERE s."eventId" = ${eventId} AND s."retiredAt" IS NULL
    UNION ALL
    SELECT 'booking', c."slotId", c."participantId"::text, NULL, c."id"::text, c."boothId", c."startsAt", c."endsAt", c."status"::text
    FROM "Consultation" c
    WHERE c."eventId" = ${eventId} AND c."participantId" = ANY(${participantIds}::uuid[]) AND c."status" IN ('booked', 'noShow')
    UNION ALL
    SELECT 'registered', NULL, r."participantId"::text, NULL, NULL, NULL, NULL, NULL, NULL
    FROM "EventRegistration" r
    WHERE r."eventId" = ${eventId} AND r."participantId" = ANY(${participantIds}::uuid[]) AND r."status" = 'registered'`;
  const free: Record<string, number> = {};
  const bookings = new Map<string, ConsultationFacts[]>();
  const registered = new Set<string>();
  for (const row of rows) {
    if (row.kind === 'slot') free[row.key!] = row.free!;
    else if (row.kind === 'registered') registered.add(row.participantId!);
    else {
      const list = bookings.get(row.participantId!) ?? [];
      list.push({
        consultationId: row.consultationId!, slotId: row.key!, boothId: row.boothId!,
        startsAt: row.startsAt!.toISOString(), endsAt: row.endsAt!.toISOString(), status: row.status!,
      });
      bookings.set(row.participantId!, list);
    }
  }
  return (participantId) => ({
    eligible: who === 'anyone' || registered.has(participantId),
    consultations: (bookings.get(participantId) ?? []).sort((a, b) => a.startsAt.localeCompare(b.startsAt)),
    free,
  });
}
