import type { EventConfig } from '../../flows/event/event-config.ts';
import { registrantName } from '../events/registrant-name.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { Transact } from '../db/types.ts';
import { intakeContext } from './consultation-types.ts';

export interface ScheduledConsultation {
  consultationId: string;
  status: 'booked' | 'noShow';
  /** An anonymous reference staff can say aloud (the id's first characters). */
  reference: string;
  /** Only with `personal`: who booked (their registration's name) and what they want to talk about. */
  name?: string;
  intake?: string;
}

export interface ScheduledSlot {
  slotId: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  booked: number;
  retired: boolean;
  consultations: ScheduledConsultation[];
}

type Row = Pick<tables.BoothSlot, 'id' | 'startsAt' | 'endsAt' | 'capacity' | 'bookedCount' | 'retiredAt'> & {
  consultationId: string | null;
  status: 'booked' | 'noShow' | null;
  intakeSealed: string | null;
  registrationId: string | null;
  answersSealed: string | null;
};

/**
 * A booth's schedule for its staff: every slot with its places and the consultations
 * holding them. Who booked and their intakes are opened only with `personal` (roles that
 * may see personal data: core/staff/permissions.ts `booths.personal`), and every such view
 * is written to the audit log in the transaction that read them.
 */
export async function boothSchedule(
  transact: Transact, sealer: Sealer,
  input: { eventId: string; boothId: string; event?: EventConfig; personal: boolean; actor: string; now: Date },
): Promise<ScheduledSlot[]> {
  const rows = await transact(async (tx) => {
    const read = await tx.rows<Row>`
      SELECT s."id", s."startsAt", s."endsAt", s."capacity", s."bookedCount", s."retiredAt",
             c."id"::text AS "consultationId", c."status"::text AS "status", c."intakeSealed",
             r."id"::text AS "registrationId", r."answersSealed"
      FROM "BoothSlot" s
      LEFT JOIN "Consultation" c ON c."slotId" = s."id" AND c."status" IN ('booked', 'noShow')
      LEFT JOIN "EventRegistration" r ON r."eventId" = s."eventId" AND r."participantId" = c."participantId"
      WHERE s."eventId" = ${input.eventId} AND s."boothId" = ${input.boothId}
      ORDER BY s."startsAt", c."bookedAt"`;
    if (input.personal) {
      await appendAudit(tx, [{
        actor: input.actor, action: 'booths.scheduleViewed', entity: 'booth', entityId: input.boothId,
        detail: { eventId: input.eventId, consultations: read.filter((r) => r.consultationId).length, personal: true },
      }], input.now);
    }
    return read;
  });
  const slots = new Map<string, ScheduledSlot>();
  for (const row of rows) {
    const slot = slots.get(row.id) ?? {
      slotId: row.id, startsAt: row.startsAt, endsAt: row.endsAt, capacity: row.capacity, booked: row.bookedCount, retired: row.retiredAt !== null, consultations: [],
    };
    slots.set(row.id, slot);
    if (!row.consultationId) continue;
    slot.consultations.push({
      consultationId: row.consultationId, status: row.status!, reference: row.consultationId.slice(0, 8),
      ...(input.personal ? { name: registrantName(sealer, input.event, { id: row.registrationId, answersSealed: row.answersSealed }), intake: sealer.open(row.intakeSealed!, intakeContext(row.consultationId)) } : {}),
    });
  }
  return [...slots.values()];
}
