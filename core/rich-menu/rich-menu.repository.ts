/**
 * The rich menus ouen published (`RichMenu`: one current per stage, held by the partial
 * unique index guard_one_current_rich_menu) and what each LINE participant has linked
 * (`Participant.richMenuStage`, `richMenuId`, `richMenuFailedAt`). Times come from the
 * caller's clock.
 */
import type { SqlClient, Transact } from '../db/types.ts';
import type * as tables from '../db/tables.ts';
import type { Narrowed } from '../db/tables.ts';
import type { RichMenuStage, StageFacts } from './participant-stage.ts';

export type RichMenuRow = Narrowed<Pick<tables.RichMenu, 'id' | 'stage' | 'lineRichMenuId' | 'hash'>, { stage: RichMenuStage }>;

/** The current menu of each stage (those published so far). */
export async function currentRichMenus(db: SqlClient): Promise<Map<RichMenuStage, RichMenuRow>> {
  const rows = await db.rows<RichMenuRow>`
    SELECT "id"::text AS "id", "stage", "lineRichMenuId", "hash" FROM "RichMenu" WHERE "retiredAt" IS NULL`;
  return new Map(rows.map((row) => [row.stage, row]));
}

/**
 * Makes a newly created LINE menu its stage's current one, retiring the one before, in
 * one transaction; the partial unique index refuses a second current menu if two
 * publishes race.
 */
export async function recordRichMenu(
  transact: Transact, menu: { id: string; stage: RichMenuStage; lineRichMenuId: string; hash: string }, now: Date,
): Promise<void> {
  const at = now.toISOString();
  await transact(async (db) => {
    await db.run`
      UPDATE "RichMenu" SET "retiredAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
      WHERE "stage" = ${menu.stage} AND "retiredAt" IS NULL`;
    await db.run`
      INSERT INTO "RichMenu" ("id", "stage", "lineRichMenuId", "hash", "createdAt")
      VALUES (${menu.id}::uuid, ${menu.stage}, ${menu.lineRichMenuId}, ${menu.hash}, ${at}::timestamptz AT TIME ZONE 'UTC')`;
  });
}

/** Menus replaced by newer ones and not yet deleted at LINE. */
export async function retiredRichMenus(db: SqlClient): Promise<RichMenuRow[]> {
  return db.rows<RichMenuRow>`
    SELECT "id"::text AS "id", "stage", "lineRichMenuId", "hash" FROM "RichMenu"
    WHERE "retiredAt" IS NOT NULL AND "deletedAt" IS NULL ORDER BY "createdAt"`;
}

export async function markRichMenuDeleted(db: SqlClient, id: string, now: Date): Promise<void> {
  await db.run`
    UPDATE "RichMenu" SET "deletedAt" = ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${id}::uuid AND "deletedAt" IS NULL`;
}

/** Every menu id ouen ever recorded (current, retired or deleted): LINE menus it made. */
export async function knownRichMenuIds(db: SqlClient): Promise<Set<string>> {
  const rows = await db.rows<Pick<tables.RichMenu, 'lineRichMenuId'>>`SELECT "lineRichMenuId" FROM "RichMenu"`;
  return new Set(rows.map((row) => row.lineRichMenuId));
}

/** A reachable LINE participant, what they have linked, and the facts that decide their stage. */
export interface LinkCandidate extends StageFacts {
  id: string;
  lineUserId: string;
  richMenuId: string | null;
}

type CandidateRow = Narrowed<Pick<tables.Participant, 'id' | 'lineUserId' | 'richMenuId'>, { lineUserId: string }> & {
  application: StageFacts['application'];
  registration: StageFacts['registration'];
  finalist: boolean;
  finalDecided: boolean;
};

/**
 * A page of reachable LINE participants after `afterId` (in id order), with their stage
 * facts in the program's contest and event: one statement per page (the decisions by
 * their primary key). People who blocked
 * the account (`unreachableAt`) are left out: LINE would accept the link and nobody sees it.
 */
export async function linkCandidates(
  db: SqlClient, scope: { contestId: string; eventId: string | null }, afterId: string | null, limit: number,
): Promise<LinkCandidate[]> {
  const rows = await db.rows<CandidateRow>`
    SELECT p."id"::text AS "id", p."lineUserId", p."richMenuId",
      a."status"::text AS "application", r."status"::text AS "registration",
      EXISTS (SELECT 1 FROM "Decision" d WHERE d."contestId" = ${scope.contestId} AND d."roundId" = 'presentation'
              AND d."applicationId" = a."id" AND d."outcome" = 'pass' AND d."status" = 'published') AS "finalist",
      EXISTS (SELECT 1 FROM "Decision" d WHERE d."contestId" = ${scope.contestId} AND d."roundId" = 'final'
              AND d."applicationId" = a."id" AND d."status" = 'published') AS "finalDecided"
    FROM "Participant" p
    LEFT JOIN "Application" a ON a."participantId" = p."id" AND a."contestId" = ${scope.contestId}
    LEFT JOIN "EventRegistration" r ON r."participantId" = p."id" AND r."eventId" = ${scope.eventId}::text
    WHERE p."lineUserId" IS NOT NULL AND p."unreachableAt" IS NULL
      AND (${afterId}::uuid IS NULL OR p."id" > ${afterId}::uuid)
    ORDER BY p."id" LIMIT ${limit}`;
  return rows;
}

/** Records that these participants now have `richMenuId` linked (LINE accepted the request). */
export async function markLinked(db: SqlClient, participantIds: readonly string[], stage: RichMenuStage, richMenuId: string, now: Date): Promise<void> {
  await db.run`
    UPDATE "Participant" SET "richMenuStage" = ${stage}, "richMenuId" = ${richMenuId}, "richMenuFailedAt" = NULL,
      "updatedAt" = ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ANY(${participantIds as string[]}::uuid[])`;
}

/** LINE refused for good to link `richMenuId` to these people: not tried again until the stage's menu changes. */
export async function markLinkFailed(db: SqlClient, participantIds: readonly string[], richMenuId: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await db.run`
    UPDATE "Participant" SET "richMenuId" = ${richMenuId}, "richMenuFailedAt" = ${at}::timestamptz AT TIME ZONE 'UTC',
      "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ANY(${participantIds as string[]}::uuid[])`;
}
