/**
 * `unsend`: the participant took a message back, so its content goes too: the document
 * it carried, or the answer it became, and its line in the record of the recent
 * conversation. Runs inside the participant's turn (runtime/run-turn.ts), on the
 * state and application the turn loaded, before the flow asks for what went missing.
 *
 * After submission the answer goes as well (the person took it back): the application
 * stays submitted but incomplete until it is given again, and staff are told which
 * field went (README "Unsending"). Eligibility answers are the exception: they were
 * checked when the application was submitted and cannot change after it, so they stay
 * (the message leaves the conversation record), and the person is told why.
 */
import type { ConversationState } from '../../flows/index.ts';
import { contestSteps } from '../../flows/contest/contest-steps.ts';
import { calendarDate } from '../../flows/engine/dates.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import type { AuditEntry } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { recordNotices } from '../staff-feed/staff-notice.repository.ts';
import type { StoredApplication } from './application.repository.ts';
import { saveAnswers } from './application.service.ts';

/** A turn's state and application after an unsend, and what it took away (or could not). */
export interface Unsent {
  state: ConversationState;
  application: StoredApplication | null;
  /** Answers (step ids) that went with the message. */
  removed: string[];
  /** Answers the message became that stay: eligibility, fixed once the application was submitted. */
  kept: string[];
  audit: AuditEntry[];
}

/** Removes what the message `messageId` became, in the turn's transaction; see the file's comment for what stays. */
export async function forgetUnsentMessage(
  db: SqlClient, sealer: Sealer, program: ProgramConfig,
  turn: { participantId: string; messageId: string; state: ConversationState; application: StoredApplication | null; actor: string; now: Date },
): Promise<Unsent> {
  const { contest } = program;
  const { state, messageId, participantId, now, actor } = turn;
  let application = turn.application;
  const fields = new Set<string>();
  const kept: string[] = [];
  const answerId = state.sources?.[messageId];
  if (answerId && application?.answers[answerId] !== undefined) {
    if (application.status === 'submitted' && lockedAfterSubmit(program, now, application.answers).has(answerId)) kept.push(answerId);
    else fields.add(answerId);
  }
  let documentRemoved = false;
  if (application) {
    const count = await db.run`
      DELETE FROM "ApplicationDocument" WHERE "sourceMessageId" = ${messageId} AND "applicationId" = ${application.id}::uuid`;
    const fileQuestion = contest.questions.find((q) => q.kind === 'file');
    documentRemoved = count > 0;
    if (documentRemoved && fileQuestion) fields.add(fileQuestion.id);
  }
  const recent = (state.recent ?? []).filter((line) => line.messageId !== messageId);
  const fromConversation = recent.length !== (state.recent ?? []).length;
  const sources = Object.fromEntries(Object.entries(state.sources ?? {}).filter(([id]) => id !== messageId));
  const next: ConversationState = { ...state, sources, recent };
  // A request to take something back that had to stay is recorded too (who asked, what stayed).
  if (fields.size === 0 && kept.length === 0 && !fromConversation) return { state, application, removed: [], kept, audit: [] };

  const audit: AuditEntry[] = [];
  if (application && fields.size > 0) {
    const answers = Object.fromEntries(Object.entries(application.answers).filter(([k]) => !fields.has(k)));
    audit.push((await saveAnswers({ db, sealer, contest, participantId, actor, now }, application, answers)).audit);
    if (application.status === 'submitted') {
      await recordNotices(db, sealer, [{ kind: 'application.updated', entityId: application.id, detail: { fields: [...fields].sort(), unsent: true } }], now);
    }
    application = { ...application, answers, hasDocument: documentRemoved ? await hasDocument(db, application.id) : application.hasDocument };
  }
  audit.push({
    actor, action: 'message.unsent', entity: 'participant', entityId: participantId,
    detail: { removedFields: [...fields].sort(), keptFields: kept, fromConversation },
  });
  return { state: next, application, removed: [...fields].sort(), kept, audit };
}

/** The steps whose answers cannot change once the application is submitted (eligibility). */
function lockedAfterSubmit(program: ProgramConfig, now: Date, answers: Record<string, string>): Set<string> {
  const steps = contestSteps(program, calendarDate(now, program.timeZone), answers);
  return new Set(steps.filter((step) => step.lockedAfterSubmit).map((step) => step.id));
}

async function hasDocument(db: SqlClient, applicationId: string): Promise<boolean> {
  const [row] = await db.rows<tables.Computed<{ exists: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM "ApplicationDocument" WHERE "applicationId" = ${applicationId}::uuid) AS "exists"`;
  return row?.exists ?? false;
}
