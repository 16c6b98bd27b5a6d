/**
 * Who a staff member is as a participant, for a test send that must reach them and
 * nobody else: a Discord staff member who has talked to the bot in a DM (`/preview`) is a
 * Discord participant with the same user id. No other channel links staff to a person.
 */
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

export async function ownParticipantOf(db: SqlClient, actor: string): Promise<string | null> {
  const [channel, id] = actor.split(':', 2);
  if (channel !== 'discord' || !id) return null;
  const [row] = await db.rows<Pick<tables.Participant, 'id'>>`
    SELECT "id"::text AS "id" FROM "Participant" WHERE "discordUserId" = ${id}`;
  return row?.id ?? null;
}
