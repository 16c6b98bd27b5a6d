/**
 * All applications as CSV for the operator and the completion report: UTF-8 with a BOM
 * and CRLF so Excel opens Japanese text cleanly, answers as people read them (the
 * same wording as the confirmation card; phone numbers hyphenated so Excel keeps them as
 * text, phone-display.ts). The export is written to the audit log.
 *
 * The 「未回答」 column names the questions still without an answer: a draft's, or those
 * of a submitted application whose answer was taken back (unsend) and is incomplete.
 *
 * A withdrawn application is a row (the counts and the report need it) with its personal
 * cells left empty: the person took their application back, so who they are does not
 * travel in spreadsheets. `withdrawnPersonal` includes them (e.g. to answer that person's
 * own request), and the audit entry says so.
 */
import { stringify } from 'csv-stringify/sync';
import { calendarDate, formatInstant } from '../../flows/engine/dates.ts';
import type { Answers } from '../../flows/index.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { Database } from '../db/open-database.ts';
import { inTransaction } from '../db/pg-transaction.ts';
import { answerCells, answerColumns, missingAnswers } from './answer-display.ts';
import { answersContext } from './application.repository.ts';

const statusLabel: Record<string, string> = { draft: '下書き', submitted: '提出済み', withdrawn: '取り下げ' };

/**
 * Reads through Prisma's model API; the audit entry is appended by the server's own SQL
 * (audit-log.ts), so on the node-postgres pool beside it.
 */
export async function exportApplicationsCsv(
  db: Pick<Database, 'prisma' | 'sql'>, sealer: Sealer, program: ProgramConfig,
  options: { personal: boolean; withdrawnPersonal?: boolean; actor: string; now: Date },
): Promise<{ text: string; rows: number }> {
  const { contest, timeZone } = program;
  const today = calendarDate(options.now, timeZone);
  const columns = answerColumns(program, today).filter((column) => options.personal || !column.personal);
  const applications = await db.prisma.application.findMany({
    where: { contestId: contest.id },
    orderBy: [{ receiptNumber: 'asc' }, { createdAt: 'asc' }],
    select: { id: true, status: true, receiptNumber: true, answersSealed: true, submittedAt: true, updatedAt: true },
  });
  // 「未回答」: the questions still without an answer (a draft's, or a submitted
  // application's whose answer was taken back: incomplete until it is given again).
  const header = ['受付番号', '状態', '未回答', '提出日時', '最終更新', ...columns.map((c) => c.label)];
  const records = applications.map((application) => {
    const answers = sealer.openJson<Answers>(application.answersSealed, answersContext(application.id));
    const hidePersonal = application.status === 'withdrawn' && !options.withdrawnPersonal;
    const cells = answerCells(program, today, answers, columns).map((cell, i) => (hidePersonal && columns[i]!.personal ? '' : cell));
    const missing = application.status === 'withdrawn' ? [] : missingAnswers(program, today, answers);
    return [
      application.receiptNumber ?? '',
      statusLabel[application.status] ?? application.status,
      missing.join('、'),
      application.submittedAt ? formatInstant(application.submittedAt.toISOString(), 'ja', timeZone) : '',
      formatInstant(application.updatedAt.toISOString(), 'ja', timeZone),
      ...cells,
    ].map(neutralizeFormula);
  });
  await inTransaction(db.sql, (tx) => appendAudit(tx, [{
    actor: options.actor, action: 'applications.exported', entity: 'contest', entityId: contest.id,
    detail: { rows: records.length, personal: options.personal, withdrawnPersonal: options.personal && (options.withdrawnPersonal ?? false) },
  }], options.now));
  const text = `\uFEFF${stringify([header, ...records], { record_delimiter: '\r\n' })}`;
  return { text, rows: records.length };
}

/** A cell starting with = + - @ would run as a formula in Excel (CSV injection). */
export function neutralizeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}
