import { initialState, type ConversationState, type Language } from '../../flows/index.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

/** The sealed state is bound to its participant: copied to another row, it does not open. */
export const conversationContext = (participantId: string) => `conversation:${participantId}`;

export interface LoadedConversation {
  state: ConversationState;
  language: Language;
  /** A person has the conversation (the human inbox). */
  handoffOpen?: boolean;
}

/**
 * Loads conversation states and languages in one round trip, locking the participants'
 * rows for the rest of the transaction so two processes never advance the same
 * conversation at once. Rows are locked in id order, so concurrent batches cannot deadlock.
 */
export async function loadConversations(
  db: SqlClient, sealer: Sealer, participantIds: string[],
): Promise<Map<string, LoadedConversation>> {
  // LEFT JOIN: a participant without a conversation row yet has no state.
  type Row = Pick<tables.Participant, 'id' | 'language'> & { stateSealed: tables.Conversation['stateSealed'] | null }
    & tables.Computed<{ handoffOpen: boolean }>;
  const rows = await db.rows<Row>`
    SELECT p."id"::text AS "id", p."language", c."stateSealed",
           EXISTS (SELECT 1 FROM "Handoff" h WHERE h."participantId" = p."id" AND h."status" = 'open') AS "handoffOpen"
    FROM "Participant" p LEFT JOIN "Conversation" c ON c."participantId" = p."id"
    WHERE p."id" = ANY(${participantIds}::uuid[])
    ORDER BY p."id"
    FOR UPDATE OF p`;
  const loaded = new Map<string, LoadedConversation>();
  for (const row of rows) {
    const state = row.stateSealed ? sealer.openJson<ConversationState>(row.stateSealed, conversationContext(row.id)) : initialState();
    loaded.set(row.id, { state, language: row.language === 'en' ? 'en' : 'ja', handoffOpen: row.handoffOpen });
  }
  for (const id of participantIds) if (!loaded.has(id)) throw new Error(`participant ${id} does not exist`);
  return loaded;
}

/** Saves many conversation states in one statement, as of `now`. */
export async function saveConversations(
  db: SqlClient, sealer: Sealer, entries: Array<{ participantId: string; state: ConversationState }>, now: Date,
): Promise<void> {
  if (entries.length === 0) return;
  const ids = entries.map((e) => e.participantId);
  const sealed = entries.map((e) => sealer.sealJson(e.state, conversationContext(e.participantId)));
  const flows = entries.map((e) => e.state.active?.flowId ?? null);
  const steps = entries.map((e) => e.state.active?.stepId ?? null);
  await db.run`
    INSERT INTO "Conversation" ("participantId", "stateSealed", "flowId", "stepId", "updatedAt")
    SELECT u."participantId"::uuid, u."stateSealed", u."flowId", u."stepId", ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    FROM unnest(${ids}::text[], ${sealed}::text[], ${flows}::text[], ${steps}::text[]) AS u("participantId", "stateSealed", "flowId", "stepId")
    ON CONFLICT ("participantId") DO UPDATE SET
      "stateSealed" = EXCLUDED."stateSealed", "flowId" = EXCLUDED."flowId", "stepId" = EXCLUDED."stepId",
      "version" = "Conversation"."version" + 1, "updatedAt" = EXCLUDED."updatedAt"`;
}
