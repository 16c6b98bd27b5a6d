/**
 * Approvals in the database: one outgoing batch (a round's results, a broadcast) whose
 * outbox rows stay `held` until an approver answers. The row lock taken by `findApproval`
 * (lock = true) serialises two approvers answering the same draft.
 */
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { openContent } from '../outbox/outbox-content.ts';

/** `seminar-change`: the notice of a seminar's new time to the people it concerns (core/seminars/seminar-notice.ts). */
export type ApprovalKind = 'judging-results' | 'broadcast' | 'seminar-change';

export type ApprovalRow = Pick<tables.Approval, 'id' | 'subject' | 'contestId' | 'roundId' | 'draftedBy' | 'draftedAt' | 'decidedBy' | 'decidedAt' | 'messages' | 'sendAt' | 'sendId'> & {
  kind: ApprovalKind;
  status: 'awaiting' | 'approved' | 'rejected';
  segment: { id: string; params: Record<string, string> } | null;
};

export interface NewApproval {
  id: string;
  kind: ApprovalKind;
  subject: string;
  contestId?: string;
  roundId?: string;
  segment?: { id: string; params: Record<string, string> };
  draftedBy: string;
  messages: number;
  sendAt?: Date | null;
  sendId?: string;
}

const at = (date: Date) => date.toISOString();

export async function insertApproval(db: SqlClient, approval: NewApproval, now: Date): Promise<void> {
  await db.run`
    INSERT INTO "Approval" ("id", "kind", "subject", "contestId", "roundId", "segment", "draftedBy", "draftedAt", "messages", "sendAt", "sendId")
    VALUES (${approval.id}::uuid, ${approval.kind}, ${approval.subject}, ${approval.contestId ?? null}, ${approval.roundId ?? null},
            ${approval.segment ? JSON.stringify(approval.segment) : null}::jsonb, ${approval.draftedBy}, ${at(now)}::timestamptz AT TIME ZONE 'UTC',
            ${approval.messages}::integer, ${approval.sendAt ? at(approval.sendAt) : null}::timestamptz AT TIME ZONE 'UTC', ${approval.sendId ?? null}::uuid)`;
}

export async function setApprovalMessages(db: SqlClient, id: string, messages: number): Promise<void> {
  await db.run`UPDATE "Approval" SET "messages" = ${messages}::integer WHERE "id" = ${id}::uuid`;
}

export async function findApproval(db: SqlClient, id: string, lock = false): Promise<ApprovalRow | null> {
  const rows = lock
    ? await db.rows<ApprovalRow>`
        SELECT "id"::text AS "id", "kind", "subject", "contestId", "roundId", "segment", "status"::text AS "status", "draftedBy", "draftedAt",
               "decidedBy", "decidedAt", "messages", "sendAt", "sendId"::text AS "sendId"
        FROM "Approval" WHERE "id" = ${id}::uuid FOR UPDATE`
    : await db.rows<ApprovalRow>`
        SELECT "id"::text AS "id", "kind", "subject", "contestId", "roundId", "segment", "status"::text AS "status", "draftedBy", "draftedAt",
               "decidedBy", "decidedAt", "messages", "sendAt", "sendId"::text AS "sendId"
        FROM "Approval" WHERE "id" = ${id}::uuid`;
  return rows[0] ?? null;
}

/** Approvals waiting for an answer, oldest first; of one kind, or (kind null) all. */
export async function findAwaitingApprovals(db: SqlClient, kind: ApprovalKind | null, contestId?: string): Promise<ApprovalRow[]> {
  return db.rows<ApprovalRow>`
    SELECT "id"::text AS "id", "kind", "subject", "contestId", "roundId", "segment", "status"::text AS "status", "draftedBy", "draftedAt",
           "decidedBy", "decidedAt", "messages", "sendAt", "sendId"::text AS "sendId"
    FROM "Approval"
    WHERE "status" = 'awaiting' AND (${kind}::text IS NULL OR "kind" = ${kind}::text)
      AND (${contestId ?? null}::text IS NULL OR "kind" <> 'judging-results' OR "contestId" = ${contestId ?? null}::text)
    ORDER BY "draftedAt", "id"`;
}

/** Records the answer; the caller holds the row lock and has checked it still awaited one. */
export async function decideApproval(db: SqlClient, id: string, status: 'approved' | 'rejected', actor: string, now: Date): Promise<void> {
  await db.run`
    UPDATE "Approval" SET "status" = ${status}::"ApprovalStatus", "decidedBy" = ${actor}, "decidedAt" = ${at(now)}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${id}::uuid AND "status" = 'awaiting'`;
}

/**
 * Approval: the held rows become pending, due at `notBefore`; returns the ids released
 * and due by `now` (later ones are found by the worker's sweep when their time comes).
 */
export async function releaseHeld(db: SqlClient, id: string, notBefore: Date, now: Date): Promise<string[]> {
  const rows = await db.rows<Pick<tables.OutboxMessage, 'id'>>`
    UPDATE "OutboxMessage" SET "status" = 'pending', "notBefore" = ${at(notBefore)}::timestamptz AT TIME ZONE 'UTC'
    WHERE "approvalId" = ${id}::uuid AND "status" = 'held'
    RETURNING "id"::text AS "id"`;
  return notBefore.getTime() <= now.getTime() ? rows.map((r) => r.id) : [];
}

/** Rejection: the held rows are discarded (skipped, never sent); returns how many. */
export async function discardHeld(db: SqlClient, id: string): Promise<number> {
  return db.run`UPDATE "OutboxMessage" SET "status" = 'skipped', "lastError" = 'approval rejected' WHERE "approvalId" = ${id}::uuid AND "status" = 'held'`;
}

/**
 * What an approval's held rows would cost: LINE recipients who have not blocked the
 * account are billed one message each (a push or a multicast bills per recipient,
 * whatever the bubbles); Discord DMs and blocked LINE users cost nothing.
 */
export async function heldRecipients(db: SqlClient, id: string): Promise<{ total: number; line: number; blocked: number; discord: number }> {
  const [row] = await db.rows<tables.Computed<{ total: number; line: number; blocked: number; discord: number }>>`
    SELECT count(*)::int AS "total",
           (count(*) FILTER (WHERE p."lineUserId" IS NOT NULL AND p."unreachableAt" IS NULL))::int AS "line",
           (count(*) FILTER (WHERE p."lineUserId" IS NOT NULL AND p."unreachableAt" IS NOT NULL))::int AS "blocked",
           (count(*) FILTER (WHERE p."discordUserId" IS NOT NULL))::int AS "discord"
    FROM "OutboxMessage" o JOIN "Participant" p ON p."id" = o."participantId"
    WHERE o."approvalId" = ${id}::uuid AND o."status" = 'held'`;
  return row ?? { total: 0, line: 0, blocked: 0, discord: 0 };
}

/**
 * The text an approval holds, as written (a broadcast, a seminar's notice): every held row
 * says the same, so the first one's literal text is it; empty when there is none.
 */
export async function heldText(db: SqlClient, sealer: Sealer, approvalId: string): Promise<{ ja: string; en: string }> {
  const [row] = await db.rows<Pick<tables.OutboxMessage, 'participantId' | 'contentSealed'>>`
    SELECT "participantId"::text AS "participantId", "contentSealed" FROM "OutboxMessage"
    WHERE "approvalId" = ${approvalId}::uuid ORDER BY "createdAt", "id" LIMIT 1`;
  if (!row) return { ja: '', en: '' };
  const stored = openContent(sealer, row.contentSealed, row.participantId);
  const message = 'content' in stored ? stored.content.messages[0] : undefined;
  const text = message && message.type === 'text' && 'literal' in message.text ? message.text.literal : null;
  return text ? { ja: text.ja, en: text.en } : { ja: '', en: '' };
}
