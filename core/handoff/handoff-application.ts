/**
 * The application of the person in a handoff, as staff need it when they answer: none, a
 * draft and how far it got, submitted (with its receipt number and whether the plan
 * document arrived), or withdrawn. Staff see the state, never the answers.
 */
import { contestSteps } from '../../flows/contest/contest-steps.ts';
import { calendarDate } from '../../flows/engine/dates.ts';
import { pathOf } from '../../flows/engine/step.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import { findApplication } from '../applications/application.repository.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { SqlClient } from '../db/types.ts';

export type HandoffApplication =
  | { status: 'none' }
  /** Questions answered of those on the person's path so far (the path grows with some answers). */
  | { status: 'draft'; answered: number; total: number }
  | { status: 'submitted'; receipt: string; hasDocument: boolean }
  | { status: 'withdrawn'; receipt: string | null };

/** The contest application of the participant a handoff is about. */
export async function handoffApplication(db: SqlClient, sealer: Sealer, program: ProgramConfig, participantId: string, now: Date): Promise<HandoffApplication> {
  const application = await findApplication(db, sealer, program.contest.id, participantId);
  if (!application) return { status: 'none' };
  if (application.status === 'withdrawn') return { status: 'withdrawn', receipt: application.receiptNumber };
  if (application.status === 'submitted' && application.receiptNumber) {
    return { status: 'submitted', receipt: application.receiptNumber, hasDocument: application.hasDocument };
  }
  const questions = pathOf(contestSteps(program, calendarDate(now, program.timeZone), application.answers), application.answers).filter((s) => s.label);
  return { status: 'draft', answered: questions.filter((s) => application.answers[s.id] !== undefined).length, total: questions.length };
}
