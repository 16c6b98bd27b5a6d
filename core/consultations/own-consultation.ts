import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import type { BookingRules } from './consultation-types.ts';

export type OwnConsultation = Pick<tables.Consultation, 'id' | 'slotId' | 'boothId' | 'status' | 'startsAt' | 'intakeSealed'>;

/**
 * The person's own consultation of this event, row-locked; null for a guessed id, someone
 * else's id and a malformed id alike, so nothing leaks about others.
 */
export async function lockOwnConsultation(db: SqlClient, eventId: string, participantId: string, consultationId: string): Promise<OwnConsultation | null> {
  const [row] = await db.rows<OwnConsultation>`
    SELECT "id"::text AS "id", "slotId", "boothId", "status"::text AS "status", "startsAt", "intakeSealed" FROM "Consultation"
    WHERE "id" = ${consultationId}::uuid AND "eventId" = ${eventId} AND "participantId" = ${participantId}::uuid
    FOR UPDATE`;
  return row ?? null;
}

/**
 * Why the booking can no longer change: `closed` (cancelled or moved before: a double
 * tap, an old card), `cutoff` (inside the cutoff before its start, a no-show included).
 */
export function changeRefusal(row: OwnConsultation, rules: BookingRules, now: Date): 'closed' | 'cutoff' | null {
  if (row.status === 'cancelled' || row.status === 'moved') return 'closed';
  if (row.status !== 'booked' || now.getTime() >= row.startsAt.getTime() - rules.changeCutoffMinutes * 60_000) return 'cutoff';
  return null;
}
