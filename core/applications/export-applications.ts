/**
 * All applications as CSV for the operator and the completion report: UTF-8 with a BOM
 * and CRLF so Excel opens Japanese text cleanly, answers as people read them (the
 * same wording as the confirmation card). The export is written to the audit log.
 */
import { stringify } from 'csv-stringify/sync';
import { calendarDate, formatInstant } from '../../flows/engine/dates.ts';
import { translateText } from '../../flows/index.ts';
import { contestSteps } from '../../flows/contest/contest-steps.ts';
import type { Answers } from '../../flows/index.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { PrismaClient } from '../db/types.ts';
import { answersContext } from './application.repository.ts';

const statusLabel: Record<string, string> = { draft: '下書き', submitted: '提出済み', withdrawn: '取り下げ' };

export async function exportApplicationsCsv(
  prisma: PrismaClient, sealer: Sealer, program: ProgramConfig, options: { personal: boolean; actor: string; now: Date },
): Promise<{ text: string; rows: number }> {
  const { contest, timeZone } = program;
  const today = calendarDate(options.now, timeZone);
  const personal = new Set(contest.questions.filter((q) => q.personal).map((q) => q.id));
  const columns = contestSteps(program, today, { founding: 'corporation' })
    .filter((step) => step.label && (options.personal || !personal.has(step.id)));
  const applications = await prisma.application.findMany({
    where: { contestId: contest.id },
    orderBy: [{ receiptNumber: 'asc' }, { createdAt: 'asc' }],
    select: { id: true, status: true, receiptNumber: true, answersSealed: true, submittedAt: true, updatedAt: true },
  });
  const header = ['受付番号', '状態', '提出日時', '最終更新', ...columns.map((c) => translateText(c.label!, 'ja'))];
  const records = applications.map((application) => {
    const answers = sealer.openJson<Answers>(application.answersSealed, answersContext(application.id));
    const steps = contestSteps(program, today, answers);
    const cells = columns.map((column) => {
      const value = answers[column.id];
      const step = steps.find((s) => s.id === column.id);
      return value === undefined || !step ? '' : translateText(step.display?.(value) ?? { literal: { ja: value, en: value } }, 'ja');
    });
    return [
      application.receiptNumber ?? '',
      statusLabel[application.status] ?? application.status,
      application.submittedAt ? formatInstant(application.submittedAt.toISOString(), 'ja', timeZone) : '',
      formatInstant(application.updatedAt.toISOString(), 'ja', timeZone),
      ...cells,
    ].map(neutralizeFormula);
  });
  await prisma.$transaction((tx) => appendAudit(tx, [{
    actor: options.actor, action: 'applications.exported', entity: 'contest', entityId: contest.id,
    detail: { rows: records.length, personal: options.personal },
  }], options.now));
  const text = `\uFEFF${stringify([header, ...records], { record_delimiter: '\r\n' })}`;
  return { text, rows: records.length };
}

/** A cell starting with = + - @ would run as a formula in Excel (CSV injection). */
function neutralizeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}
