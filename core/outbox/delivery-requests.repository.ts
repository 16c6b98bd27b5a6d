/**
 * Delivery requests: the calls to LINE or Discord that deliver outbox rows, written to
 * PostgreSQL before any call is made (worker/outbox-dispatch.ts plans them), so a call's
 * retry key is fixed once and a re-run after a crash repeats the same call under the same
 * key. A row points to its request (`requestId`); a request is settled together with its
 * rows, each update conditional on the status it expects, so a job run twice settles
 * nothing twice.
 */
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

export type DeliveryEndpoint = 'push' | 'multicast' | 'discord-dm';

/**
 * A pending row whose time has come and that no request carries yet, with where it goes.
 * `waits`: the person has an earlier pending row that is not in this take (its request is
 * in flight or being retried, or another dispatcher holds it): this row must not overtake
 * it, so it stays for a later run.
 */
export type DueRow = Pick<tables.OutboxMessage, 'id' | 'participantId' | 'contentHash' | 'contentSealed'>
  & Pick<tables.Participant, 'lineUserId' | 'discordUserId'>
  & tables.Computed<{ unreachable: boolean; language: 'ja' | 'en'; replyTokenAt: Date | null; waits: boolean }>;

/**
 * Takes up to `limit` due rows, oldest first, locked for the caller's transaction; rows
 * another worker has locked are passed over (SKIP LOCKED), so dispatchers never wait for
 * or plan the same row. `replyTokenAt` is set while the row still carries a reply token.
 */
export async function takeDueRows(tx: SqlClient, now: Date, limit: number): Promise<DueRow[]> {
  // The due rows are chosen and locked by their narrow keys first: sorting every due row
  // with its sealed content would spill to disk on a large send.
  return await tx.rows<DueRow>`
    WITH "due" AS (
      SELECT "id" FROM "OutboxMessage"
      WHERE "status" = 'pending' AND "requestId" IS NULL AND "notBefore" <= ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'
      ORDER BY "notBefore", "createdAt", "id"
      LIMIT ${limit}::integer
      FOR UPDATE SKIP LOCKED
    )
    SELECT o."id"::text AS "id", o."participantId"::text AS "participantId", o."contentHash", o."contentSealed",
           CASE WHEN o."replyToken" IS NOT NULL THEN o."replyTokenAt" END AS "replyTokenAt",
           p."lineUserId", p."discordUserId", p."unreachableAt" IS NOT NULL AS "unreachable",
           CASE WHEN p."language" = 'en' THEN 'en' ELSE 'ja' END AS "language",
           EXISTS (
             SELECT 1 FROM "OutboxMessage" e
             WHERE e."participantId" = o."participantId" AND e."status" = 'pending'
               AND (e."notBefore", e."createdAt", e."id") < (o."notBefore", o."createdAt", o."id")
               AND e."id" NOT IN (SELECT "id" FROM "due")
           ) AS "waits"
    FROM "due" JOIN "OutboxMessage" o ON o."id" = "due"."id" JOIN "Participant" p ON p."id" = o."participantId"
    ORDER BY o."notBefore", o."createdAt", o."id"`;
}

export interface NewDeliveryRequest {
  /** The retry key. */
  id: string;
  endpoint: DeliveryEndpoint;
  batchId: string;
  rowIds: string[];
}

/** Writes requests and points their rows to them (inside the dispatcher's transaction). */
export async function createDeliveryRequests(tx: SqlClient, requests: NewDeliveryRequest[], now: Date): Promise<void> {
  if (requests.length === 0) return;
  await tx.run`
    INSERT INTO "DeliveryRequest" ("id", "endpoint", "batchId", "status", "attempts", "createdAt")
    SELECT u."id"::uuid, u."endpoint", u."batchId"::uuid, 'pending', 0, ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    FROM unnest(${requests.map((r) => r.id)}::text[], ${requests.map((r) => r.endpoint)}::text[], ${requests.map((r) => r.batchId)}::text[])
      AS u("id", "endpoint", "batchId")`;
  const rowIds = requests.flatMap((r) => r.rowIds);
  const requestIds = requests.flatMap((r) => r.rowIds.map(() => r.id));
  await tx.run`
    UPDATE "OutboxMessage" o SET "requestId" = u."requestId"::uuid
    FROM unnest(${rowIds}::text[], ${requestIds}::text[]) AS u("rowId", "requestId")
    WHERE o."id" = u."rowId"::uuid AND o."status" = 'pending'`;
}

/** Rows for people who blocked the account: settled `skipped`, never sent (a push to them is billed and never shown). */
export async function skipOutboxRows(tx: SqlClient, rowIds: string[], now: Date): Promise<void> {
  if (rowIds.length === 0) return;
  await tx.run`
    UPDATE "OutboxMessage" SET "status" = 'skipped', "sentAt" = ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC', "replyToken" = NULL
    WHERE "id" = ANY(${rowIds}::uuid[]) AND "status" = 'pending'`;
}

/**
 * Batches with a pending request: after a crash or a Redis wipe their send jobs may be
 * gone, and the dispatcher hands them to the queue again (a job that still exists is
 * not added twice: the job id is the batch id).
 */
export async function pendingBatches(db: SqlClient, limit: number): Promise<string[]> {
  const rows = await db.rows<Pick<tables.DeliveryRequest, 'batchId'>>`
    SELECT DISTINCT "batchId"::text AS "batchId" FROM "DeliveryRequest" WHERE "status" = 'pending' LIMIT ${limit}::integer`;
  return rows.map((r) => r.batchId);
}

/**
 * One pending row of a pending request of a batch, with what sending it needs; rows of a
 * request come together, in the order they were written.
 */
export type BatchRow = Pick<tables.OutboxMessage, 'participantId' | 'contentSealed' | 'replyToken' | 'replyTokenAt'>
  & Pick<tables.Participant, 'lineUserId' | 'discordUserId'>
  & tables.Computed<{ requestId: string; endpoint: DeliveryEndpoint; rowId: string; status: 'pending'; unreachable: boolean; language: 'ja' | 'en' }>;

export async function batchRows(db: SqlClient, batchId: string): Promise<BatchRow[]> {
  return await db.rows<BatchRow>`
    SELECT r."id"::text AS "requestId", r."endpoint", o."id"::text AS "rowId", o."status"::text AS "status",
           o."participantId"::text AS "participantId", o."contentSealed", o."replyToken", o."replyTokenAt",
           p."lineUserId", p."discordUserId", p."unreachableAt" IS NOT NULL AS "unreachable",
           CASE WHEN p."language" = 'en' THEN 'en' ELSE 'ja' END AS "language"
    FROM "DeliveryRequest" r
    JOIN "OutboxMessage" o ON o."requestId" = r."id" AND o."status" = 'pending'
    JOIN "Participant" p ON p."id" = o."participantId"
    WHERE r."batchId" = ${batchId}::uuid AND r."status" = 'pending'
    ORDER BY r."id", o."createdAt", o."id"`;
}

/** Pending requests of a batch (some may have no pending row left: settled otherwise meanwhile). */
export async function pendingRequestsOfBatch(db: SqlClient, batchId: string): Promise<string[]> {
  const rows = await db.rows<Pick<tables.DeliveryRequest, 'id'>>`
    SELECT "id"::text AS "id" FROM "DeliveryRequest" WHERE "batchId" = ${batchId}::uuid AND "status" = 'pending'`;
  return rows.map((r) => r.id);
}

/**
 * Attempts begin for these requests: counted on the requests and on their rows (the
 * failed-deliveries list decides from the rows' counts what a staff retry does with the key).
 */
export async function recordRequestAttempts(db: SqlClient, requestIds: string[], at: Date): Promise<void> {
  if (requestIds.length === 0) return;
  await db.run`UPDATE "DeliveryRequest" SET "attempts" = "attempts" + 1 WHERE "id" = ANY(${requestIds}::uuid[]) AND "status" = 'pending'`;
  await db.run`
    UPDATE "OutboxMessage" SET "attempts" = "attempts" + 1,
      "firstAttemptAt" = COALESCE("firstAttemptAt", ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC')
    WHERE "requestId" = ANY(${requestIds}::uuid[]) AND "status" = 'pending'`;
}

/** How an attempt ended, on the request and its pending rows; `refused`: the platform turned it down outright. */
export async function recordRequestError(db: SqlClient, requestIds: string[], error: string, refused: boolean): Promise<void> {
  if (requestIds.length === 0) return;
  await db.run`UPDATE "DeliveryRequest" SET "lastError" = ${error} WHERE "id" = ANY(${requestIds}::uuid[])`;
  await db.run`
    UPDATE "OutboxMessage" SET "lastError" = ${error}, "refusedAttempts" = "refusedAttempts" + ${refused ? 1 : 0}::integer
    WHERE "requestId" = ANY(${requestIds}::uuid[]) AND "status" = 'pending'`;
}

/**
 * Settles requests and their pending rows: `sent` (clearing the rows' last error) or
 * `failed` for good. Conditional on `pending`, so settling twice changes nothing.
 * Returns how many rows moved.
 */
export async function settleRequests(db: SqlClient, requestIds: string[], status: 'sent' | 'failed', at: Date): Promise<number> {
  if (requestIds.length === 0) return 0;
  const when = at.toISOString();
  // One statement, so atomic: a worker killed here leaves both the requests and their rows
  // pending (sent again under the same keys: 409) or both settled, never a settled
  // request whose rows no job would ever take up again.
  const rows = await db.rows<tables.Computed<{ id: string }>>`
    WITH "settledRequests" AS (
      UPDATE "DeliveryRequest" SET "status" = ${status}::"DeliveryRequestStatus",
        "sentAt" = CASE WHEN ${status} = 'sent' THEN ${when}::timestamptz AT TIME ZONE 'UTC' ELSE "sentAt" END
      WHERE "id" = ANY(${requestIds}::uuid[]) AND "status" = 'pending'
    )
    UPDATE "OutboxMessage" SET "status" = ${status}::"OutboxStatus",
      "sentAt" = CASE WHEN ${status} = 'sent' THEN ${when}::timestamptz AT TIME ZONE 'UTC' ELSE "sentAt" END,
      "lastError" = CASE WHEN ${status} = 'sent' THEN NULL ELSE "lastError" END, "replyToken" = NULL
    WHERE "requestId" = ANY(${requestIds}::uuid[]) AND "status" = 'pending'
    RETURNING "id"::text AS "id"`;
  return rows.length;
}

/**
 * A staff retry of a failed row (core/outbox/failed-deliveries.ts): with a new key, the row
 * leaves its request and the dispatcher plans a new one; keeping the key, its request is
 * pending again in a batch of its own, and a platform that accepted the key before
 * answers 409 (the row is then sent), else delivers it.
 */
export async function reopenRequestFor(tx: SqlClient, rowId: string, keepKey: boolean, newBatchId: string): Promise<void> {
  if (!keepKey) {
    await tx.run`UPDATE "OutboxMessage" SET "requestId" = NULL WHERE "id" = ${rowId}::uuid`;
    return;
  }
  await tx.run`
    UPDATE "DeliveryRequest" SET "status" = 'pending', "batchId" = ${newBatchId}::uuid
    WHERE "id" = (SELECT "requestId" FROM "OutboxMessage" WHERE "id" = ${rowId}::uuid) AND "status" <> 'pending'`;
}
