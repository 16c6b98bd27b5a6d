/**
 * A booth's schedule as CSV for its consultants (UTF-8 with a BOM and CRLF, like the
 * event's roster): every slot in time order, one line per consultation holding it (an
 * empty slot is one line too, so the sheet is the day's plan), with the booker's name
 * and — only with `intake` (roles that may see personal data: `booths.personal`) — what
 * they want to talk about. Only roles that may see personal data export it
 * (`booths.roster`); every export is audited in the transaction that read the rows.
 */
import { stringify } from 'csv-stringify/sync';
import type { EventConfig } from '../../flows/event/event-config.ts';
import { formatInstant, localTime } from '../../flows/engine/dates.ts';
import { neutralizeFormula } from '../applications/export-applications.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { Transact } from '../db/types.ts';
import { registrantName } from '../events/registrant-name.ts';
import { intakeContext } from './consultation-types.ts';

const statusLabel = { booked: '予約', noShow: '不参加' } as const;

type Row = Pick<tables.BoothSlot, 'id' | 'startsAt' | 'endsAt' | 'capacity' | 'retiredAt'> & {
  consultationId: string | null; status: keyof typeof statusLabel | null; bookedAt: Date | null; intakeSealed: string | null;
  registrationId: string | null; answersSealed: string | null;
};

export async function exportBoothRosterCsv(
  transact: Transact, sealer: Sealer,
  input: { eventId: string; boothId: string; event?: EventConfig; intake: boolean; actor: string; now: Date; timeZone: string },
): Promise<{ text: string; rows: number }> {
  const rows = await transact(async (tx) => {
    const read = await tx.rows<Row>`
      SELECT s."id", s."startsAt", s."endsAt", s."capacity", s."retiredAt",
             c."id"::text AS "consultationId", c."status"::text AS "status", c."bookedAt", c."intakeSealed",
             r."id"::text AS "registrationId", r."answersSealed"
      FROM "BoothSlot" s
      LEFT JOIN "Consultation" c ON c."slotId" = s."id" AND c."status" IN ('booked', 'noShow')
      LEFT JOIN "EventRegistration" r ON r."eventId" = s."eventId" AND r."participantId" = c."participantId"
      WHERE s."eventId" = ${input.eventId} AND s."boothId" = ${input.boothId}
      ORDER BY s."startsAt", c."bookedAt"`;
    await appendAudit(tx, [{
      actor: input.actor, action: 'booths.rosterExported', entity: 'booth', entityId: input.boothId,
      detail: { eventId: input.eventId, consultations: read.filter((r) => r.consultationId).length, intake: input.intake },
    }], input.now);
    return read;
  });
  const tz = input.timeZone;
  const header = ['開始', '終了', '枠の状態', '予約ID', '状態', '予約者', ...(input.intake ? ['相談内容'] : []), '予約日時'];
  const records = rows.map((row) => [
    formatInstant(row.startsAt.toISOString(), 'ja', tz), localTime(row.endsAt, tz), row.retiredAt ? '設定から外れた枠' : `定員 ${row.capacity}`,
    row.consultationId ?? '', row.status ? statusLabel[row.status] : '空き',
    registrantName(sealer, input.event, { id: row.registrationId, answersSealed: row.answersSealed }),
    ...(input.intake ? [row.consultationId && row.intakeSealed ? sealer.open(row.intakeSealed, intakeContext(row.consultationId)) : ''] : []),
    row.bookedAt ? formatInstant(row.bookedAt.toISOString(), 'ja', tz) : '',
  ].map(neutralizeFormula));
  return { text: `\uFEFF${stringify([header, ...records], { record_delimiter: '\r\n' })}`, rows: records.length };
}
