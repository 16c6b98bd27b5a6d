/**
 * Where a broadcast's test send goes from the console's staff panel (local mode): the
 * newest console user who has talked to the bot, standing in for the staff member's own
 * LINE. A Discord actor still gets it in their own DM (core/broadcasts/own-participant.ts).
 */
import { ownParticipantOf } from '../../core/broadcasts/own-participant.ts';
import type * as tables from '../../core/db/tables.ts';
import type { SqlClient } from '../../core/db/types.ts';
import type { FakeLineStore } from './fake-line-store.ts';

export async function consoleTestRecipient(db: SqlClient, store: FakeLineStore | undefined, actor: string): Promise<string | null> {
  if (!actor.startsWith('console:')) return ownParticipantOf(db, actor);
  const userIds = (store?.users() ?? []).sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((u) => u.userId);
  if (userIds.length === 0) return null;
  const rows = await db.rows<Pick<tables.Participant, 'id' | 'lineUserId'>>`
    SELECT "id"::text AS "id", "lineUserId" FROM "Participant" WHERE "lineUserId" = ANY(${userIds}::text[])`;
  const byUser = new Map(rows.map((r) => [r.lineUserId, r.id]));
  return userIds.map((id) => byUser.get(id)).find((id) => id !== undefined) ?? null;
}
