/**
 * The judging tables in SQL: rounds, sheets, decisions, publications and the audience
 * vote. Statements only; the rules live in judging.service.ts and the guards in the
 * migration (one open round, one publication awaiting approval per round, outcomes a
 * round allows).
 */
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import type { Outcome, RoundId } from './judging-config.ts';

const at = (date: Date) => date.toISOString();

/** Round ids are the configuration's (judging-config.ts), the only ones ever written. */
export type RoundRow = tables.Narrowed<Pick<tables.JudgingRound, 'roundId' | 'status' | 'judges'>, { roundId: RoundId }>;

export async function findRounds(db: SqlClient, contestId: string): Promise<RoundRow[]> {
  return db.rows<RoundRow>`
    SELECT "roundId", "status"::text AS "status", "judges" FROM "JudgingRound" WHERE "contestId" = ${contestId}`;
}

/** Locks the contest's rounds for the rest of the transaction: round changes, scoring and decisions serialise on it. */
export async function lockRounds(db: SqlClient, contestId: string): Promise<RoundRow[]> {
  await db.run`SELECT pg_advisory_xact_lock(hashtext(${`judging:${contestId}`}))`;
  return findRounds(db, contestId);
}

export async function openRoundRow(db: SqlClient, contestId: string, roundId: RoundId, judges: string[], actor: string, now: Date): Promise<void> {
  await db.run`
    INSERT INTO "JudgingRound" ("contestId", "roundId", "status", "judges", "openedBy", "openedAt")
    VALUES (${contestId}, ${roundId}, 'open', ${judges}::text[], ${actor}, ${at(now)}::timestamptz AT TIME ZONE 'UTC')
    ON CONFLICT ("contestId", "roundId") DO UPDATE
      SET "status" = 'open', "judges" = EXCLUDED."judges", "openedBy" = EXCLUDED."openedBy", "openedAt" = EXCLUDED."openedAt",
          "closedBy" = NULL, "closedAt" = NULL`;
}

export async function closeRoundRow(db: SqlClient, contestId: string, roundId: RoundId, actor: string, now: Date): Promise<void> {
  await db.run`
    UPDATE "JudgingRound" SET "status" = 'closed', "closedBy" = ${actor}, "closedAt" = ${at(now)}::timestamptz AT TIME ZONE 'UTC'
    WHERE "contestId" = ${contestId} AND "roundId" = ${roundId}`;
}

export type Entrant = Pick<tables.Application, 'participantId'> & Pick<tables.Participant, 'language'> & {
  applicationId: tables.Application['id'];
  /** Only applications with a receipt number are entrants (the statement's condition). */
  receiptNumber: NonNullable<tables.Application['receiptNumber']>;
};

/**
 * Who a round judges: every submitted application for the document screening; after
 * that, the applications whose pass in the round before was published. A withdrawal
 * drops an application from every round.
 */
export async function findEntrants(db: SqlClient, contestId: string, roundId: RoundId): Promise<Entrant[]> {
  const previous = roundId === 'presentation' ? 'document' : roundId === 'final' ? 'presentation' : null;
  return db.rows<Entrant>`
    SELECT a."id"::text AS "applicationId", a."receiptNumber", a."participantId"::text AS "participantId", p."language"
    FROM "Application" a JOIN "Participant" p ON p."id" = a."participantId"
    WHERE a."contestId" = ${contestId} AND a."status" = 'submitted' AND a."receiptNumber" IS NOT NULL
      AND (${previous}::text IS NULL OR EXISTS (
        SELECT 1 FROM "Decision" d
        WHERE d."contestId" = a."contestId" AND d."applicationId" = a."id" AND d."roundId" = ${previous}::text
          AND d."outcome" = 'pass' AND d."status" = 'published'))
    ORDER BY a."receiptNumber"`;
}

/** Scores are criterion id → score, written only by {@link saveSheet}. */
export type SheetRow = tables.Narrowed<
  Pick<tables.JudgingScore, 'applicationId' | 'judgeId' | 'scores' | 'commentSealed' | 'recused'>, { scores: Record<string, number> }
>;

export async function findSheets(db: SqlClient, contestId: string, roundId: RoundId): Promise<SheetRow[]> {
  return db.rows<SheetRow>`
    SELECT "applicationId"::text AS "applicationId", "judgeId", "scores", "commentSealed", "recused"
    FROM "JudgingScore" WHERE "contestId" = ${contestId} AND "roundId" = ${roundId}`;
}

export async function findSheet(db: SqlClient, contestId: string, roundId: RoundId, applicationId: string, judgeId: string): Promise<SheetRow | null> {
  const [row] = await db.rows<SheetRow>`
    SELECT "applicationId"::text AS "applicationId", "judgeId", "scores", "commentSealed", "recused"
    FROM "JudgingScore"
    WHERE "contestId" = ${contestId} AND "roundId" = ${roundId} AND "applicationId" = ${applicationId}::uuid AND "judgeId" = ${judgeId}`;
  return row ?? null;
}

export async function saveSheet(db: SqlClient, contestId: string, roundId: RoundId, sheet: SheetRow, now: Date): Promise<void> {
  await db.run`
    INSERT INTO "JudgingScore" ("contestId", "roundId", "applicationId", "judgeId", "scores", "commentSealed", "recused", "updatedAt")
    VALUES (${contestId}, ${roundId}, ${sheet.applicationId}::uuid, ${sheet.judgeId}, ${JSON.stringify(sheet.scores)}::jsonb,
            ${sheet.commentSealed}, ${sheet.recused}, ${at(now)}::timestamptz AT TIME ZONE 'UTC')
    ON CONFLICT ("contestId", "roundId", "applicationId", "judgeId") DO UPDATE
      SET "scores" = EXCLUDED."scores", "commentSealed" = EXCLUDED."commentSealed", "recused" = EXCLUDED."recused", "updatedAt" = EXCLUDED."updatedAt"`;
}

/** Outcomes are those a round allows (a guard in the migration). */
export type DecisionRow = tables.Narrowed<Pick<tables.Decision, 'applicationId' | 'outcome' | 'status'>, { outcome: Outcome }>;

export async function findDecisions(db: SqlClient, contestId: string, roundId: RoundId): Promise<DecisionRow[]> {
  return db.rows<DecisionRow>`
    SELECT "applicationId"::text AS "applicationId", "outcome", "status"::text AS "status"
    FROM "Decision" WHERE "contestId" = ${contestId} AND "roundId" = ${roundId}`;
}

/** Sets pending decisions; a decision already awaiting approval or published is left as it is. */
export async function markDecisions(
  db: SqlClient, contestId: string, roundId: RoundId, decisions: Array<{ applicationId: string; outcome: Outcome }>, actor: string, now: Date,
): Promise<void> {
  if (decisions.length === 0) return;
  await db.run`
    INSERT INTO "Decision" ("contestId", "roundId", "applicationId", "outcome", "status", "markedBy", "markedAt")
    SELECT ${contestId}, ${roundId}, u."applicationId"::uuid, u."outcome", 'pending', ${actor}, ${at(now)}::timestamptz AT TIME ZONE 'UTC'
    FROM unnest(${decisions.map((d) => d.applicationId)}::text[], ${decisions.map((d) => d.outcome)}::text[]) AS u("applicationId", "outcome")
    ON CONFLICT ("contestId", "roundId", "applicationId") DO UPDATE
      SET "outcome" = EXCLUDED."outcome", "markedBy" = EXCLUDED."markedBy", "markedAt" = EXCLUDED."markedAt"
      WHERE "Decision"."status" = 'pending'`;
}

/** A round's results awaiting (or past) approval: an approval of kind `judging-results` (core/approvals). */
export type PublicationRow = tables.Narrowed<
  Pick<tables.Approval, 'id' | 'roundId' | 'status' | 'draftedBy' | 'draftedAt' | 'messages'>, { roundId: RoundId; status: 'awaiting' | 'approved' | 'rejected' }
>;

/** Puts the pending decisions of these applications (the round's entrants) into the results' approval. */
export async function attachDecisions(db: SqlClient, contestId: string, roundId: RoundId, approvalId: string, applicationIds: string[]): Promise<number> {
  return db.run`
    UPDATE "Decision" SET "status" = 'awaiting', "approvalId" = ${approvalId}::uuid
    WHERE "contestId" = ${contestId} AND "roundId" = ${roundId} AND "status" = 'pending' AND "applicationId" = ANY(${applicationIds}::uuid[])`;
}

/** Pending decisions are stale once the round is scored again or the votes change: they go. */
export async function clearPendingDecisions(db: SqlClient, contestId: string, roundId: RoundId): Promise<number> {
  return db.run`DELETE FROM "Decision" WHERE "contestId" = ${contestId} AND "roundId" = ${roundId} AND "status" = 'pending'`;
}

export async function findAwaitingPublications(db: SqlClient, contestId: string): Promise<PublicationRow[]> {
  return db.rows<PublicationRow>`
    SELECT "id"::text AS "id", "roundId", "status"::text AS "status", "draftedBy", "draftedAt", "messages"
    FROM "Approval" WHERE "kind" = 'judging-results' AND "contestId" = ${contestId} AND "status" = 'awaiting' ORDER BY "draftedAt"`;
}

/**
 * Approval of results: the decisions become final, and an applicant who withdrew while
 * the results waited is not sent one (their held row is skipped before the rest are released).
 */
export async function publishApproved(db: SqlClient, approvalId: string): Promise<void> {
  await db.run`UPDATE "Decision" SET "status" = 'published' WHERE "approvalId" = ${approvalId}::uuid`;
  await db.run`
    UPDATE "OutboxMessage" o SET "status" = 'skipped', "lastError" = 'application withdrawn'
    WHERE o."approvalId" = ${approvalId}::uuid AND o."status" = 'held' AND EXISTS (
      SELECT 1 FROM "Application" a JOIN "Approval" p ON p."id" = o."approvalId"
      WHERE a."participantId" = o."participantId" AND a."contestId" = p."contestId" AND a."status" = 'withdrawn')`;
}

/** Rejection of results: the decisions are pending again so staff can mend and publish anew. */
export async function returnDecisions(db: SqlClient, approvalId: string): Promise<void> {
  await db.run`UPDATE "Decision" SET "status" = 'pending', "approvalId" = NULL WHERE "approvalId" = ${approvalId}::uuid`;
}

/** Outcome counts of the results' decisions, for the approver's preview. */
export async function publicationOutcomes(db: SqlClient, id: string): Promise<Record<string, number>> {
  const rows = await db.rows<Pick<tables.Decision, 'outcome'> & tables.Computed<{ count: number }>>`
    SELECT "outcome", count(*)::int AS "count" FROM "Decision" WHERE "approvalId" = ${id}::uuid GROUP BY "outcome"`;
  return Object.fromEntries(rows.map((r) => [r.outcome, r.count]));
}

export async function findVotes(db: SqlClient, contestId: string): Promise<Map<string, number>> {
  const rows = await db.rows<Pick<tables.AudienceVote, 'applicationId' | 'votes'>>`
    SELECT "applicationId"::text AS "applicationId", "votes" FROM "AudienceVote" WHERE "contestId" = ${contestId}`;
  return new Map(rows.map((r) => [r.applicationId, r.votes]));
}

export async function saveVotes(db: SqlClient, contestId: string, applicationId: string, votes: number, actor: string, now: Date): Promise<void> {
  await db.run`
    INSERT INTO "AudienceVote" ("contestId", "applicationId", "votes", "recordedBy", "recordedAt")
    VALUES (${contestId}, ${applicationId}::uuid, ${votes}::integer, ${actor}, ${at(now)}::timestamptz AT TIME ZONE 'UTC')
    ON CONFLICT ("applicationId") DO UPDATE
      SET "votes" = EXCLUDED."votes", "recordedBy" = EXCLUDED."recordedBy", "recordedAt" = EXCLUDED."recordedAt"`;
}
