import { initialState, type ConversationState, type Language } from '../../flows/index.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { Db } from '../db/types.ts';

const context = (participantId: string) => `conversation:${participantId}`;

/**
 * Loads a participant's conversation state and language in one round trip, locking the
 * participant row for the rest of the transaction so two processes never advance the
 * same conversation at once.
 */
export async function loadConversation(
  db: Db, sealer: Sealer, participantId: string,
): Promise<{ state: ConversationState; language: Language }> {
  const rows = await db.$queryRaw<Array<{ language: string; stateSealed: string | null }>>`
    SELECT p."language", c."stateSealed"
    FROM "Participant" p LEFT JOIN "Conversation" c ON c."participantId" = p."id"
    WHERE p."id" = ${participantId}::uuid
    FOR UPDATE OF p`;
  const row = rows[0];
  if (!row) throw new Error(`participant ${participantId} does not exist`);
  const state = row.stateSealed ? sealer.openJson<ConversationState>(row.stateSealed, context(participantId)) : initialState();
  return { state, language: row.language === 'en' ? 'en' : 'ja' };
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
