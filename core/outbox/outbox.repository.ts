/**
 * The transactional outbox: messages are committed with the state change that caused
 * them, then delivered after commit (as a reply at once, or as a push by the worker).
 */
import { randomUUID } from 'node:crypto';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { redactMyNumbersDeep } from '../../flows/validators/my-number.ts';
import { orderedId } from './ordered-id.ts';
import { contentHash, outboxContext, type OutboxContent } from './outbox-content.ts';

export { outboxContext } from './outbox-content.ts';

export interface NewOutboxRow {
  participantId: string;
  /** Channel-neutral: rendered for the person's channel and language when sent. */
  content: OutboxContent;
  /** What it is (`reply`, `event-promoted`, `decision:<round>` …): staff see it in the failed list. */
  kind: string;
  /** The entity the message is about. */
  about?: { entity: string; id: string };
  /** A row whose key exists already is not written (a re-run reminder). */
  dedupeKey?: string;
  /** The send it belongs to (sends.repository.ts): its report counts the row. */
  sendId?: string;
  notBefore: Date;
  /** Written for an approval (results, a broadcast): held until an approver releases it (never taken by the worker before). */
  approvalId?: string;
  /** The reply token of the event answered, and when that event happened (the token is no older). */
  reply?: { token: string; at: Date };
}

/**
 * Writes many outbox rows in one statement, created `now`; returns their ids in the same
 * order. A row with a `dedupeKey` already taken is not written, and its id names no row.
 */
export async function createOutboxRows(db: SqlClient, sealer: Sealer, rows: NewOutboxRow[], now: Date): Promise<string[]> {
  if (rows.length === 0) return [];
  // Ordered: a person's rows written together go out in this order (ordered-id.ts).
  const ids = rows.map(() => orderedId());
  const retryKeys = rows.map(() => randomUUID());
  const participants = rows.map((r) => r.participantId);
  // A second line of defence: what people write is redacted where it enters (webhook, turn).
  const contents = rows.map((r) => redactMyNumbersDeep(r.content));
  const sealed = rows.map((r, i) => sealer.sealJson(contents[i], outboxContext(r.participantId)));
  const hashes = contents.map((content) => contentHash(sealer, content));
  const sends = rows.map((r) => r.sendId ?? null);
  const kinds = rows.map((r) => r.kind);
  const entities = rows.map((r) => r.about?.entity ?? null);
  const entityIds = rows.map((r) => r.about?.id ?? null);
  const dedupeKeys = rows.map((r) => r.dedupeKey ?? null);
  const notBefore = rows.map((r) => r.notBefore.toISOString());
  const approvals = rows.map((r) => r.approvalId ?? null);
  const replyTokens = rows.map((r) => r.reply?.token ?? null);
  const replyTokensAt = rows.map((r) => r.reply?.at.toISOString() ?? null);
  await db.run`
    INSERT INTO "OutboxMessage" ("id", "participantId", "contentSealed", "contentHash", "sendId", "retryKey", "kind", "entity", "entityId",
                                 "dedupeKey", "notBefore", "approvalId", "status", "replyToken", "replyTokenAt", "createdAt")
    SELECT u."id"::uuid, u."participantId"::uuid, u."contentSealed", u."contentHash", u."sendId"::uuid, u."retryKey"::uuid, u."kind",
           u."entity", u."entityId", u."dedupeKey", u."notBefore" AT TIME ZONE 'UTC', u."approvalId"::uuid, CASE WHEN u."approvalId" IS NULL THEN 'pending' ELSE 'held' END::"OutboxStatus",
           u."replyToken", u."replyTokenAt" AT TIME ZONE 'UTC', ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    FROM unnest(${ids}::text[], ${participants}::text[], ${sealed}::text[], ${hashes}::text[], ${sends}::text[], ${retryKeys}::text[],
                ${kinds}::text[], ${entities}::text[], ${entityIds}::text[], ${dedupeKeys}::text[], ${notBefore}::timestamptz[],
                ${approvals}::text[], ${replyTokens}::text[], ${replyTokensAt}::timestamptz[])
      AS u("id", "participantId", "contentSealed", "contentHash", "sendId", "retryKey", "kind", "entity", "entityId", "dedupeKey",
           "notBefore", "approvalId", "replyToken", "replyTokenAt")
    ON CONFLICT ("dedupeKey") DO NOTHING`;
  return ids;
}

/** Replies that went out: their rows are done and never pushed. */
export async function markOutboxSent(db: SqlClient, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.run`
    UPDATE "OutboxMessage" SET "status" = 'sent', "sentAt" = ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC', "replyToken" = NULL
    WHERE "id" = ANY(${ids}::uuid[]) AND "status" = 'pending'`;
}

/**
 * Rows whose reply may or may not have gone out (a process stopped between replying and
 * recording it) and whose reply token is younger than `youngerThanMs`, oldest first:
 * while LINE can still tell whether a token was used, they are settled with a reply.
 */
export async function unconfirmedReplies(db: SqlClient, now: Date, youngerThanMs: number): Promise<string[]> {
  const rows = await db.rows<Pick<tables.OutboxMessage, 'id'>>`
    SELECT "id"::text AS "id" FROM "OutboxMessage"
    WHERE "status" = 'pending' AND "replyToken" IS NOT NULL
      AND "replyTokenAt" > ${new Date(now.getTime() - youngerThanMs).toISOString()}::timestamptz AT TIME ZONE 'UTC'
    ORDER BY "createdAt"`;
  return rows.map((r) => r.id);
}

/** Makes rows due now, for a reply that failed and must go out as a push. */
export async function makeOutboxDue(db: SqlClient, id: string, at: Date): Promise<void> {
  await db.run`
    UPDATE "OutboxMessage" SET "notBefore" = ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${id}::uuid AND "status" = 'pending'`;
}

/** Pending rows whose time has come, oldest first: the queue can always be rebuilt from these. */
export async function dueOutboxIds(db: SqlClient, now: Date, limit: number): Promise<string[]> {
  const rows = await db.rows<Pick<tables.OutboxMessage, 'id'>>`
    SELECT "id"::text AS "id" FROM "OutboxMessage"
    WHERE "status" = 'pending' AND "notBefore" <= ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    ORDER BY "notBefore" LIMIT ${limit}::integer`;
  return rows.map((r) => r.id);
}

/**
 * One row to deliver: `replyToken` and `replyTokenAt` are set until the row is settled
 * (the answer can go out as a reply while the token is young); of the participant's
 * `lineUserId` and `discordUserId`, where it goes, exactly one is set.
 */
export type OutboxDelivery = Pick<tables.OutboxMessage, 'status' | 'participantId' | 'contentSealed' | 'retryKey' | 'replyToken' | 'replyTokenAt'>
  & Pick<tables.Participant, 'lineUserId' | 'discordUserId'> & tables.Computed<{ unreachable: boolean; language: 'ja' | 'en' }>;

/** One row to deliver, with where it goes; null when it does not exist. */
export async function outboxDelivery(db: SqlClient, id: string): Promise<OutboxDelivery | null> {
  const [row] = await db.rows<OutboxDelivery>`
    SELECT o."status"::text AS "status", o."participantId"::text AS "participantId", o."contentSealed", o."retryKey"::text AS "retryKey",
           o."replyToken", o."replyTokenAt", p."lineUserId", p."discordUserId", p."unreachableAt" IS NOT NULL AS "unreachable",
           CASE WHEN p."language" = 'en' THEN 'en' ELSE 'ja' END AS "language"
    FROM "OutboxMessage" o JOIN "Participant" p ON p."id" = o."participantId"
    WHERE o."id" = ${id}::uuid`;
  return row ?? null;
}

/** Moves a pending row on: sent (clearing the last error), skipped or failed for good. */
export async function settleOutbox(db: SqlClient, id: string, status: 'sent' | 'skipped' | 'failed', at: Date): Promise<void> {
  await db.run`
    UPDATE "OutboxMessage" SET "status" = ${status}::"OutboxStatus",
      "sentAt" = CASE WHEN ${status} = 'sent' THEN ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC' ELSE "sentAt" END,
      "lastError" = CASE WHEN ${status} = 'sent' THEN NULL ELSE "lastError" END, "replyToken" = NULL
    WHERE "id" = ${id}::uuid AND "status" = 'pending'`;
}

/**
 * One delivery attempt begins; `error` records how the last one ended, and `refused`
 * whether the platform turned it down outright (so its retry key was not accepted by it):
 * core/outbox/failed-deliveries.ts decides from these what a staff retry does with the key.
 */
export async function recordOutboxAttempt(db: SqlClient, id: string, outcome: { started: true; at: Date } | { error: string; refused: boolean }): Promise<void> {
  if ('started' in outcome) {
    await db.run`
      UPDATE "OutboxMessage" SET "attempts" = "attempts" + 1,
        "firstAttemptAt" = COALESCE("firstAttemptAt", ${outcome.at.toISOString()}::timestamptz AT TIME ZONE 'UTC')
      WHERE "id" = ${id}::uuid`;
  } else {
    await db.run`
      UPDATE "OutboxMessage" SET "lastError" = ${outcome.error}, "refusedAttempts" = "refusedAttempts" + ${outcome.refused ? 1 : 0}::integer
      WHERE "id" = ${id}::uuid`;
  }
}
