import { z } from 'zod';
import { appendAudit } from '../audit/audit-log.ts';
import type * as tables from '../db/tables.ts';
import type { Transact } from '../db/types.ts';

/** `notStarted`: a no-show is known only once the consultation has begun. */
export type NoShowOutcome = 'marked' | 'notFound' | 'notBooked' | 'notStarted';

/**
 * Staff mark that a booked person did not come (the completion report counts them). The
 * place stays counted: nobody else could use it. One conditional update, audited in the
 * same transaction; a second click, or a booking cancelled or moved meanwhile, changes nothing.
 */
export async function markNoShow(transact: Transact, input: { eventId: string; consultationId: string; actor: string; now: Date }): Promise<NoShowOutcome> {
  if (!z.uuid().safeParse(input.consultationId).success) return 'notFound';
  const at = input.now.toISOString();
  return transact(async (tx) => {
    const marked = await tx.rows<Pick<tables.Consultation, 'id' | 'slotId' | 'boothId'>>`
      UPDATE "Consultation" SET "status" = 'noShow', "noShowAt" = ${at}::timestamptz AT TIME ZONE 'UTC', "noShowBy" = ${input.actor},
                                "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
      WHERE "id" = ${input.consultationId}::uuid AND "eventId" = ${input.eventId} AND "status" = 'booked'
        AND "startsAt" <= ${at}::timestamptz AT TIME ZONE 'UTC'
      RETURNING "id"::text AS "id", "slotId", "boothId"`;
    const row = marked[0];
    if (row) {
      await appendAudit(tx, [{ actor: input.actor, action: 'consultation.noShow', entity: 'consultation', entityId: row.id, detail: { boothId: row.boothId, slotId: row.slotId } }], input.now);
      return 'marked';
    }
    const [found] = await tx.rows<Pick<tables.Consultation, 'status'>>`
      SELECT "status"::text AS "status" FROM "Consultation" WHERE "id" = ${input.consultationId}::uuid AND "eventId" = ${input.eventId}`;
    if (!found) return 'notFound';
    return found.status === 'booked' ? 'notStarted' : 'notBooked';
  });
}
