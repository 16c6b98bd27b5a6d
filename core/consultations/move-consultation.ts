import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AuditEntry } from '../audit/audit-log.ts';
import type { Clash } from '../bookings/overlapping-booking.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { SqlClient } from '../db/types.ts';
import { insertConsultation } from './book-consultation.ts';
import { lockForBooking } from './consultation-lock.ts';
import { actorSchema, eventIdSchema, intakeContext, rulesSchema, type BookingRules } from './consultation-types.ts';
import { changeRefusal, lockOwnConsultation } from './own-consultation.ts';
import { checkSlot, givePlaceBack, takePlace } from './slot-check.ts';

export interface MoveInput {
  eventId: string;
  participantId: string;
  /** Both as the flow has them (buttons): checked, never trusted. */
  consultationId: string;
  slotId: string;
  rules: BookingRules;
  now: Date;
  actor: string;
}

/**
 * What came of a move. Every outcome but `moved` leaves the old booking exactly as it was:
 * `notFound` (not theirs), `closed` (cancelled or moved already), `cutoff` (the old one
 * starts too soon to change), `same`, and the new slot's refusals (`full`, `past`,
 * `tooSoon`, `overlap` with another booking of theirs of either kind, `unknownSlot`).
 */
export type MoveOutcome =
  | { outcome: 'moved'; consultationId: string; slotId: string; audit: AuditEntry[] }
  | { outcome: 'overlap'; clash: Clash; audit: AuditEntry[] }
  | { outcome: 'notFound' | 'closed' | 'cutoff' | 'same' | 'full' | 'past' | 'tooSoon' | 'unknownSlot'; audit: AuditEntry[] };

const inputSchema = z.object({
  eventId: eventIdSchema, participantId: z.uuid(), consultationId: z.string().max(200), slotId: z.string().max(200),
  rules: rulesSchema, now: z.date(), actor: actorSchema,
});

/**
 * Moves a person's booking to another slot as ONE step inside the caller's transaction:
 * the new place is taken first, by the conditional update; only if it was taken is the
 * old booking marked `moved` (pointing at the new one), its place given back and the new
 * booking written with the same intake. So the person never holds neither: when the new
 * slot is taken by someone else, nothing changes. A cancelled or moved booking is never
 * in a reminder's audience again (reminders read `booked` rows when they fire).
 */
export async function moveConsultation(db: SqlClient, sealer: Sealer, input: MoveInput): Promise<MoveOutcome> {
  const { eventId, participantId, consultationId, slotId, rules, now, actor } = inputSchema.parse(input);
  if (!z.uuid().safeParse(consultationId).success) return { outcome: 'notFound', audit: [] };
  if (!await lockForBooking(db, participantId, eventId)) return { outcome: 'notFound', audit: [] };
  const old = await lockOwnConsultation(db, eventId, participantId, consultationId);
  if (!old) return { outcome: 'notFound', audit: [] };
  const refused = changeRefusal(old, rules, now);
  if (refused) return { outcome: refused, audit: [] };
  if (old.slotId === slotId) return { outcome: 'same', audit: [] };
  const checked = await checkSlot(db, { eventId, slotId, participantId, rules, now, moving: old.id });
  if (!checked) return { outcome: 'unknownSlot', audit: [] };
  const { slot, problem } = checked;
  if (problem?.result === 'overlap') return { outcome: 'overlap', clash: problem.clash, audit: [] };
  if (problem) return { outcome: problem.result as 'past' | 'tooSoon' | 'unknownSlot', audit: [] };
  if (!await takePlace(db, slotId, now)) return { outcome: 'full', audit: [] };

  const intake = sealer.open(old.intakeSealed, intakeContext(old.id));
  const at = now.toISOString();
  // The old row leaves `booked` before the new one is written: the no-overlap guard counts only live bookings.
  const newId = randomUUID();
  await db.run`
    UPDATE "Consultation" SET "status" = 'moved', "movedToId" = ${newId}::uuid, "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${old.id}::uuid`;
  await givePlaceBack(db, old.slotId, now);
  await insertConsultation(db, sealer, { eventId, participantId, slot, intake, now, id: newId });
  return {
    outcome: 'moved', consultationId: newId, slotId,
    audit: [{ actor, action: 'consultation.moved', entity: 'consultation', entityId: old.id, detail: { eventId, from: old.slotId, to: slotId, movedTo: newId } }],
  };
}
