/**
 * One seminar as staff see it: its figures and its people — booked and offered by join
 * order, the waitlist with positions — each by an anonymous reference (the booking id's
 * first 8 characters) and, only with `personal` (roles that may see personal data:
 * core/staff/permissions.ts `seminars.personal`), the name they registered with. Every
 * view with names is written to the audit log in the transaction that read them.
 */
import type { EventConfig } from '../../flows/event/event-config.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { Transact } from '../db/types.ts';
import { registrantName } from '../events/registrant-name.ts';

export interface SeminarPerson {
  bookingId: string;
  reference: string;
  /** Only with `personal`. */
  name?: string;
}

export interface SeminarPeople {
  seminar: Pick<tables.Seminar, 'id' | 'capacity' | 'heldCount' | 'startsAt' | 'endsAt' | 'roomJa' | 'roomEn'>;
  booked: SeminarPerson[];
  offered: Array<SeminarPerson & { expiresAt: Date }>;
  /** In queue order: position 1 is offered the next free seat. */
  waitlisted: Array<SeminarPerson & { position: number }>;
}

type Row = Pick<tables.SeminarBooking, 'id' | 'offerExpiresAt'> & { status: 'booked' | 'offered' | 'waitlisted'; registrationId: string | null; answersSealed: string | null };

export const bookingReference = (bookingId: string) => bookingId.slice(0, 8);

/** Null for a seminar never synced. */
export async function seminarPeople(
  transact: Transact, sealer: Sealer,
  input: { seminarId: string; event?: EventConfig; personal: boolean; actor: string; now: Date },
): Promise<SeminarPeople | null> {
  const read = await transact(async (tx) => {
    const [seminar] = await tx.rows<SeminarPeople['seminar']>`
      SELECT "id", "capacity", "heldCount", "startsAt", "endsAt", "roomJa", "roomEn" FROM "Seminar" WHERE "id" = ${input.seminarId}`;
    if (!seminar) return null;
    const rows = await tx.rows<Row>`
      SELECT b."id"::text AS "id", b."status"::text AS "status", b."offerExpiresAt",
             r."id"::text AS "registrationId", r."answersSealed"
      FROM "SeminarBooking" b
      LEFT JOIN "EventRegistration" r ON r."eventId" = ${input.event?.id ?? null}::text AND r."participantId" = b."participantId"
      WHERE b."seminarId" = ${input.seminarId} AND b."status" IN ('booked', 'offered', 'waitlisted')
      ORDER BY b."joinOrder"`;
    if (input.personal) {
      await appendAudit(tx, [{
        actor: input.actor, action: 'seminar.peopleViewed', entity: 'seminar', entityId: input.seminarId,
        detail: { people: rows.length, personal: true },
      }], input.now);
    }
    return { seminar, rows };
  });
  if (!read) return null;
  const people: SeminarPeople = { seminar: read.seminar, booked: [], offered: [], waitlisted: [] };
  for (const row of read.rows) {
    const person: SeminarPerson = {
      bookingId: row.id, reference: bookingReference(row.id),
      ...(input.personal ? { name: registrantName(sealer, input.event, { id: row.registrationId, answersSealed: row.answersSealed }) } : {}),
    };
    if (row.status === 'booked') people.booked.push(person);
    else if (row.status === 'offered') people.offered.push({ ...person, expiresAt: row.offerExpiresAt! });
    else people.waitlisted.push({ ...person, position: people.waitlisted.length + 1 });
  }
  return people;
}
