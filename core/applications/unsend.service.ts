/**
 * `unsend`: the participant took a message back, so its content goes too: the
 * document it carried, or the answer it became.
 */
import type { ContestConfig } from '../../flows/program.ts';
import type { AuditEntry } from '../audit/audit-log.ts';
import { loadConversation, saveConversation } from '../conversation/conversation.repository.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { SqlDb } from '../db/types.ts';
import { findApplication } from './application.repository.ts';
import { saveAnswers } from './application.service.ts';

export async function forgetUnsentMessage(
  db: SqlDb, sealer: Sealer, contest: ContestConfig, participantId: string, messageId: string, now: Date,
): Promise<AuditEntry[]> {
  const { state } = await loadConversation(db, sealer, participantId);
  const application = await findApplication(db, sealer, contest.id, participantId);
  const fields = new Set<string>();
  const answerId = state.sources?.[messageId];
  if (answerId) fields.add(answerId);
  if (application) {
    const count = await db.$executeRaw`
      DELETE FROM "ApplicationDocument" WHERE "sourceMessageId" = ${messageId} AND "applicationId" = ${application.id}::uuid`;
    const fileQuestion = contest.questions.find((q) => q.kind === 'file');
    if (count > 0 && fileQuestion) fields.add(fileQuestion.id);
  }
  // The unsent text also leaves the record of the recent conversation (what staff would be shown).
  const recent = (state.recent ?? []).filter((line) => line.messageId !== messageId);
  const fromConversation = recent.length !== (state.recent ?? []).length;
  if (fields.size === 0 && !fromConversation) return [];
  const audit: AuditEntry[] = [];
  if (application) {
    const answers = Object.fromEntries(Object.entries(application.answers).filter(([k]) => !fields.has(k)));
    const scope = { db, sealer, contest, participantId, actor: `line:${participantId}`, now };
    audit.push((await saveAnswers(scope, application, answers)).audit);
  }
  const sources = Object.fromEntries(Object.entries(state.sources ?? {}).filter(([id]) => id !== messageId));
  await saveConversation(db, sealer, participantId, { ...state, sources, recent });
  audit.push({
    actor: `line:${participantId}`, action: 'message.unsent', entity: 'participant', entityId: participantId,
    detail: { removedFields: [...fields].sort(), fromConversation },
  });
  return audit;
}
