/**
 * The event's roster as CSV for the operator (reception on the day, the completion
 * report): UTF-8 with a BOM and CRLF so Excel opens Japanese text cleanly, like the
 * applications export. Registered people first, then the waitlist in its order, then
 * cancellations; answers as people read them (a choice's label, not its value).
 *
 * Personal columns (questions marked `personal`) only with `personal`, which the caller
 * grants to roles that may see personal data (core/staff/permissions.ts `event.roster`);
 * a cancelled registration keeps its personal cells empty, as a withdrawn application
 * does. Every export is written to the audit log, in the transaction that read the rows.
 */
import { stringify } from 'csv-stringify/sync';
import type { EventConfig, EventQuestion } from '../../flows/event/event-config.ts';
import { formatInstant } from '../../flows/engine/dates.ts';
import { neutralizeFormula } from '../applications/export-applications.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { Transact } from '../db/types.ts';
import { registrationAnswersContext, type EventAnswers, type EventRegistrationStatus } from './event-registration-types.ts';

const statusLabel: Record<EventRegistrationStatus, string> = { registered: '参加登録', waitlisted: 'キャンセル待ち', cancelled: 'キャンセル' };

export async function exportEventRosterCsv(
  transact: Transact, sealer: Sealer, event: EventConfig,
  options: { personal: boolean; actor: string; now: Date; timeZone: string },
): Promise<{ text: string; rows: number }> {
  const questions = event.questions.filter((q) => options.personal || !q.personal);
  const registrations = await transact(async (tx) => {
    const rows = await tx.rows<Pick<tables.EventRegistration, 'id' | 'status' | 'attendeeType' | 'answersSealed' | 'joinedAt' | 'cancelledAt'>
      & tables.Computed<{ position: number | null }>>`
      SELECT "id"::text AS "id", "status"::text AS "status", "attendeeType", "answersSealed", "joinedAt", "cancelledAt",
             CASE WHEN "status" = 'waitlisted' THEN (row_number() OVER (PARTITION BY "status" ORDER BY "joinOrder"))::int END AS "position"
      FROM "EventRegistration" WHERE "eventId" = ${event.id}
      ORDER BY CASE "status" WHEN 'registered' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, "joinOrder"`;
    await appendAudit(tx, [{
      actor: options.actor, action: 'event.rosterExported', entity: 'event', entityId: event.id,
      detail: { rows: rows.length, personal: options.personal },
    }], options.now);
    return rows;
  });
  const header = ['登録ID', '状態', '待ち順', '参加区分', '申込日時', 'キャンセル日時', ...questions.map((q) => q.label.ja)];
  const when = (at: Date | null) => (at ? formatInstant(at.toISOString(), 'ja', options.timeZone) : '');
  const records = registrations.map((registration) => {
    const answers = sealer.openJson<EventAnswers>(registration.answersSealed, registrationAnswersContext(registration.id));
    const hidePersonal = registration.status === 'cancelled';
    return [
      registration.id,
      statusLabel[registration.status],
      registration.position === null ? '' : String(registration.position),
      event.attendeeTypes.find((t) => t.value === registration.attendeeType)?.label.ja ?? registration.attendeeType,
      when(registration.joinedAt),
      when(registration.cancelledAt),
      ...questions.map((q) => (hidePersonal && q.personal ? '' : answerText(q, answers[q.id]))),
    ].map(neutralizeFormula);
  });
  const text = `\uFEFF${stringify([header, ...records], { record_delimiter: '\r\n' })}`;
  return { text, rows: records.length };
}

/** An answer as people read it: a choice's label (Japanese), not its value. */
export function answerText(question: EventQuestion, answer: string | undefined): string {
  if (answer === undefined) return '';
  if (question.kind !== 'choice') return answer;
  return question.choices?.find((c) => c.value === answer)?.label.ja ?? answer;
}
