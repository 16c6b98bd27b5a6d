import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { redactMyNumbers } from '../../flows/validators/my-number.ts';
import type { AuditEntry } from '../audit/audit-log.ts';
import type { Clash } from '../bookings/overlapping-booking.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { SqlClient } from '../db/types.ts';
import { lockForBooking } from './consultation-lock.ts';
import { actorSchema, eventIdSchema, intakeContext, rulesSchema, slotIdSchema, type BookingRules } from './consultation-types.ts';
import { checkSlot, takePlace, type CheckedSlot } from './slot-check.ts';

export interface BookInput {
  eventId: string;
  participantId: string;
  /** As the flow has it (a button's postback): checked, never trusted. */
  slotId: string;
  /** What the person wants to talk about; sealed. */
  intake: string;
  rules: BookingRules;
  now: Date;
  actor: string;
}

/**
 * What came of a booking; the flow answers from it. Domain refusals are outcomes:
 * `already` (they hold this slot: a double tap), `notEligible` (not registered for the
 * event, when the rules ask it), `limit`, `past`, `tooSoon` (inside the minimum notice),
 * `overlap` (their booked consultation or seminar in the way, `clash`), `full`, `unknownSlot`.
 * `audit` is for the caller to append (no intake, nothing personal).
 */
export type BookOutcome =
  | { outcome: 'booked'; consultationId: string; slotId: string; audit: AuditEntry[] }
  | { outcome: 'already'; consultationId: string; slotId: string; audit: AuditEntry[] }
  | { outcome: 'limit'; limit: number; audit: AuditEntry[] }
  | { outcome: 'overlap'; clash: Clash; audit: AuditEntry[] }
  | { outcome: 'notEligible' | 'past' | 'tooSoon' | 'full' | 'unknownSlot'; audit: AuditEntry[] };

const inputSchema = z.object({
  eventId: eventIdSchema,
  participantId: z.uuid(),
  slotId: z.string().max(200),
  intake: z.string().max(2000),
  rules: rulesSchema,
  now: z.date(),
  actor: actorSchema,
});

/**
 * Books a consultation inside the caller's transaction, under the person's and the
 * event's consultation locks (consultation-lock.ts), checks first and writes last, so a
 * refusal writes nothing. The place is taken by a conditional update of the slot's counter
 * (guard_booth_slot_places behind it); one live booking per person and slot and no
 * overlapping ones are guard_ constraints too, so a bug fails rather than double-books.
 */
export async function bookConsultation(db: SqlClient, sealer: Sealer, input: BookInput): Promise<BookOutcome> {
  const { eventId, participantId, slotId, intake, rules, now, actor } = inputSchema.parse(input);
  if (!slotIdSchema.safeParse(slotId).success) return { outcome: 'unknownSlot', audit: [] };
  if (!await lockForBooking(db, participantId, eventId)) throw new Error('booking for a participant who does not exist');
  const checked = await checkSlot(db, { eventId, slotId, participantId, rules, now });
  if (!checked) return { outcome: 'unknownSlot', audit: [] };
  const { slot, problem } = checked;
  if (problem?.result === 'already') return { outcome: 'already', consultationId: problem.consultationId, slotId, audit: [] };
  if (problem) {
    const { result, ...detail } = problem;
    return { outcome: result, ...detail, audit: [] } as BookOutcome;
  }
  if (!await takePlace(db, slotId, now)) return { outcome: 'full', audit: [] };
  const consultationId = await insertConsultation(db, sealer, { eventId, participantId, slot, intake, now });
  return {
    outcome: 'booked', consultationId, slotId,
    audit: [{ actor, action: 'consultation.booked', entity: 'consultation', entityId: consultationId, detail: { eventId, boothId: slot.boothId, slotId } }],
  };
}

/** A booked consultation in the slot, its intake sealed (an Individual Number cut out first). */
export async function insertConsultation(
  db: SqlClient, sealer: Sealer, row: { eventId: string; participantId: string; slot: CheckedSlot; intake: string; now: Date; id?: string },
): Promise<string> {
  const id = row.id ?? randomUUID();
  const at = row.now.toISOString();
  await db.run`
    INSERT INTO "Consultation" ("id", "slotId", "eventId", "boothId", "participantId", "status", "startsAt", "endsAt", "intakeSealed",
                                "bookedAt", "createdAt", "updatedAt")
    VALUES (${id}::uuid, ${row.slot.id}, ${row.eventId}, ${row.slot.boothId}, ${row.participantId}::uuid, 'booked',
            ${row.slot.startsAt.toISOString()}::timestamptz AT TIME ZONE 'UTC', ${row.slot.endsAt.toISOString()}::timestamptz AT TIME ZONE 'UTC',
            ${sealer.seal(redactMyNumbers(row.intake), intakeContext(id))},
            ${at}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC')`;
  return id;
}
