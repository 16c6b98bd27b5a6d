import { initialState, type ConversationState } from '../../flows/index.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { Db } from '../db/types.ts';

const context = (participantId: string) => `conversation:${participantId}`;

/**
 * Loads a participant's conversation state, locking the participant row for the rest of
 * the transaction so two processes never advance the same conversation at once.
 */
export async function loadConversation(db: Db, sealer: Sealer, participantId: string): Promise<ConversationState> {
  await db.$queryRaw`SELECT 1 FROM "Participant" WHERE "id" = ${participantId}::uuid FOR UPDATE`;
  const row = await db.conversation.findUnique({ where: { participantId }, select: { stateSealed: true } });
  return row ? sealer.openJson<ConversationState>(row.stateSealed, context(participantId)) : initialState();
}

export async function saveConversation(db: Db, sealer: Sealer, participantId: string, state: ConversationState): Promise<void> {
  const stateSealed = sealer.sealJson(state, context(participantId));
  const flowId = state.active?.flowId ?? null;
  const stepId = state.active?.stepId ?? null;
  await db.conversation.upsert({
    where: { participantId },
    create: { participantId, stateSealed, flowId, stepId },
    update: { stateSealed, flowId, stepId, version: { increment: 1 } },
  });
}
