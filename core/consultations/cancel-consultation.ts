import { z } from 'zod';
import type { AuditEntry } from '../audit/audit-log.ts';
import type { SqlClient } from '../db/types.ts';
import { lockForBooking } from './consultation-lock.ts';
import { actorSchema, eventIdSchema, rulesSchema, type BookingRules } from './consultation-types.ts';
import { changeRefusal, lockOwnConsultation } from './own-consultation.ts';
import { givePlaceBack } from './slot-check.ts';

export interface CancelInput {
  eventId: string;
  participantId: string;
  /** As the flow has it (a button's postback): checked, never trusted. */
  consultationId: string;
  rules: BookingRules;
  now: Date;
  actor: string;
}

/** `notFound` answers a guessed, someone else's and a malformed id alike. */
export type CancelOutcome =
  | { outcome: 'cancelled'; slotId: string; audit: AuditEntry[] }
  | { outcome: 'notFound' | 'closed' | 'cutoff'; audit: AuditEntry[] };

const inputSchema = z.object({
  eventId: eventIdSchema, participantId: z.uuid(), consultationId: z.string().max(200), rules: rulesSchema, now: z.date(), actor: actorSchema,
});

/** Cancels a person's own booking until the cutoff, inside the caller's transaction; the place is free again at once. */
export async function cancelConsultation(db: SqlClient, input: CancelInput): Promise<CancelOutcome> {
  const { eventId, participantId, consultationId, rules, now, actor } = inputSchema.parse(input);
  if (!z.uuid().safeParse(consultationId).success) return { outcome: 'notFound', audit: [] };
  if (!await lockForBooking(db, participantId, eventId)) return { outcome: 'notFound', audit: [] };
  const row = await lockOwnConsultation(db, eventId, participantId, consultationId);
  if (!row) return { outcome: 'notFound', audit: [] };
  const refused = changeRefusal(row, rules, now);
  if (refused) return { outcome: refused, audit: [] };
  const at = now.toISOString();
  await db.run`
    UPDATE "Consultation" SET "status" = 'cancelled', "cancelledAt" = ${at}::timestamptz AT TIME ZONE 'UTC', "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${row.id}::uuid`;
  await givePlaceBack(db, row.slotId, now);
  return {
    outcome: 'cancelled', slotId: row.slotId,
    audit: [{ actor, action: 'consultation.cancelled', entity: 'consultation', entityId: row.id, detail: { eventId, boothId: row.boothId, slotId: row.slotId } }],
  };
}
