/**
 * A seminar's roster as CSV for reception and the completion report, like the event's
 * roster (core/events/export-roster.ts): UTF-8 with a BOM and CRLF so Excel opens Japanese
 * text cleanly; booked first, then seats on offer, then the waitlist in its order with
 * positions; the registration's answers as people read them. Personal data: only roles
 * that may see it export it (`seminars.roster`), and every export is audited in the
 * transaction that read the rows.
 */
import { stringify } from 'csv-stringify/sync';
import type { EventConfig } from '../../flows/event/event-config.ts';
import { formatInstant } from '../../flows/engine/dates.ts';
import { neutralizeFormula } from '../applications/export-applications.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { Transact } from '../db/types.ts';
import { answerText } from '../events/export-roster.ts';
import { registrantAnswers } from '../events/registrant-name.ts';

const statusLabel = { booked: '予約', offered: '席のご案内中', waitlisted: 'キャンセル待ち' } as const;

type Row = Pick<tables.SeminarBooking, 'id' | 'offerExpiresAt' | 'createdAt'> & {
  status: keyof typeof statusLabel; registrationId: string | null; answersSealed: string | null; position: number | null;
};

export async function exportSeminarRosterCsv(
  transact: Transact, sealer: Sealer,
  input: { seminarId: string; event?: EventConfig; actor: string; now: Date; timeZone: string },
): Promise<{ text: string; rows: number }> {
  const questions = input.event?.questions ?? [];
  const rows = await transact(async (tx) => {
    const read = await tx.rows<Row>`
      SELECT b."id"::text AS "id", b."status"::text AS "status", b."offerExpiresAt", b."createdAt",
             r."id"::text AS "registrationId", r."answersSealed",
             CASE WHEN b."status" = 'waitlisted' THEN (row_number() OVER (PARTITION BY b."status" ORDER BY b."joinOrder"))::int END AS "position"
      FROM "SeminarBooking" b
      LEFT JOIN "EventRegistration" r ON r."eventId" = ${input.event?.id ?? null}::text AND r."participantId" = b."participantId"
      WHERE b."seminarId" = ${input.seminarId} AND b."status" IN ('booked', 'offered', 'waitlisted')
      ORDER BY CASE b."status" WHEN 'booked' THEN 0 WHEN 'offered' THEN 1 ELSE 2 END, b."joinOrder"`;
    await appendAudit(tx, [{
      actor: input.actor, action: 'seminar.rosterExported', entity: 'seminar', entityId: input.seminarId,
      detail: { rows: read.length, personal: true },
    }], input.now);
    return read;
  });
  const when = (at: Date | null) => (at ? formatInstant(at.toISOString(), 'ja', input.timeZone) : '');
  const header = ['予約ID', '状態', '待ち順', 'ご案内の期限', '申込日時', ...questions.map((q) => q.label.ja)];
  const records = rows.map((row) => {
    const answers = registrantAnswers(sealer, { id: row.registrationId, answersSealed: row.answersSealed });
    return [
      row.id, statusLabel[row.status], row.position === null ? '' : String(row.position), when(row.offerExpiresAt), when(row.createdAt),
      ...questions.map((q) => answerText(q, answers[q.id])),
    ].map(neutralizeFormula);
  });
  return { text: `\uFEFF${stringify([header, ...records], { record_delimiter: '\r\n' })}`, rows: records.length };
}
