import type { Language } from '../../flows/index.ts';
import { randomUUID } from 'node:crypto';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import type { AuditEntry } from '../audit/audit-log.ts';

export interface ParticipantRef {
  id: string;
  language: Language;
}

/** Finds the participant for a LINE user id, creating it on first contact (`now`). */
export function ensureLineParticipant(db: SqlClient, lineUserId: string, language: Language, now: Date): Promise<ParticipantRef> {
  return ensureParticipant(db, { lineUserId }, language, now);
}

/** Finds the participant for a Discord user (a DM with the bot), creating it on first contact (`now`). */
export function ensureDiscordParticipant(db: SqlClient, discordUserId: string, language: Language, now: Date): Promise<ParticipantRef> {
  return ensureParticipant(db, { discordUserId }, language, now);
}

type RefRow = Pick<tables.Participant, 'id' | 'language'>;

async function ensureParticipant(
  db: SqlClient, who: { lineUserId: string } | { discordUserId: string }, language: Language, now: Date,
): Promise<ParticipantRef> {
  const line = 'lineUserId' in who ? who.lineUserId : null;
  const discord = 'discordUserId' in who ? who.discordUserId : null;
  const at = now.toISOString();
  // The no-op update makes RETURNING give the existing row when another turn created it first.
  const [row] = line !== null
    ? await db.rows<RefRow>`
        INSERT INTO "Participant" ("id", "lineUserId", "language", "createdAt", "updatedAt")
        VALUES (${randomUUID()}::uuid, ${line}, ${language}, ${at}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC')
        ON CONFLICT ("lineUserId") DO UPDATE SET "lineUserId" = EXCLUDED."lineUserId"
        RETURNING "id"::text AS "id", "language"`
    : await db.rows<RefRow>`
        INSERT INTO "Participant" ("id", "discordUserId", "language", "createdAt", "updatedAt")
        VALUES (${randomUUID()}::uuid, ${discord}, ${language}, ${at}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC')
        ON CONFLICT ("discordUserId") DO UPDATE SET "discordUserId" = EXCLUDED."discordUserId"
        RETURNING "id"::text AS "id", "language"`;
  return participantRef(row!);
}

export async function findLineParticipant(db: SqlClient, lineUserId: string): Promise<ParticipantRef | null> {
  const [row] = await db.rows<RefRow>`
    SELECT "id"::text AS "id", "language" FROM "Participant" WHERE "lineUserId" = ${lineUserId}`;
  return row ? participantRef(row) : null;
}

export async function findDiscordParticipant(db: SqlClient, discordUserId: string): Promise<ParticipantRef | null> {
  const [row] = await db.rows<RefRow>`
    SELECT "id"::text AS "id", "language" FROM "Participant" WHERE "discordUserId" = ${discordUserId}`;
  return row ? participantRef(row) : null;
}

const participantRef = (row: RefRow): ParticipantRef =>
  ({ id: row.id, language: row.language === 'en' ? 'en' : 'ja' });

/**
 * `unfollow`: LINE still answers pushes to a blocking user with 200 and bills them, so
 * the participant is marked and skipped; `follow` clears the mark.
 */
export async function setReachable(db: SqlClient, participantId: string, reachable: boolean, at: Date): Promise<AuditEntry> {
  const unreachableAt = reachable ? null : at.toISOString();
  await db.run`
    UPDATE "Participant" SET "unreachableAt" = ${unreachableAt}::timestamptz AT TIME ZONE 'UTC', "updatedAt" = ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${participantId}::uuid`;
  return {
    actor: `line:${participantId}`,
    action: reachable ? 'participant.followed' : 'participant.unfollowed',
    entity: 'participant',
    entityId: participantId,
  };
}

/** The participant chose a language (the flow's language switch). */
export async function setLanguage(db: SqlClient, participantId: string, language: Language, at: Date): Promise<void> {
  await db.run`
    UPDATE "Participant" SET "language" = ${language}, "updatedAt" = ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${participantId}::uuid`;
}

/** How each of these participants is reached: their language and channel (Discord DMs or LINE). */
export async function participantChannels(
  db: SqlClient, participantIds: readonly string[],
): Promise<Map<string, { language: Language; channel: 'line' | 'discord' }>> {
  if (participantIds.length === 0) return new Map();
  const rows = await db.rows<Pick<tables.Participant, 'id' | 'language' | 'lineUserId'>>`
    SELECT "id"::text AS "id", "language", "lineUserId" FROM "Participant" WHERE "id" = ANY(${participantIds}::uuid[])`;
  return new Map(rows.map((row) => [row.id, { language: participantRef(row).language, channel: row.lineUserId ? 'line' : 'discord' }]));
}
