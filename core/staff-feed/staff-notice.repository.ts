/**
 * The staff feed: notices for staff (an application arrived or changed, a participant
 * asked for a person), written in the transaction that caused them and posted to
 * Discord in order by the worker (worker/staff-feed-worker.ts). A NOTIFY on commit
 * wakes the worker at once; its job scheduler's sweep covers a missed wake-up.
 */
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { redactMyNumbersDeep } from '../../flows/validators/my-number.ts';

export const STAFF_FEED_CHANNEL = 'ouen_staff_feed';

export type NoticeKind =
  | 'application.submitted' | 'application.updated' | 'application.document' | 'application.withdrawn'
  | 'handoff.opened' | 'handoff.message' | 'handoff.closed';

export interface NewNotice {
  kind: NoticeKind;
  entityId: string;
  /** Field names, statuses, counts: never personal values. */
  detail?: Record<string, unknown>;
  /** What the participant wrote; sealed. */
  payload?: unknown;
}

/** `kind` and `detail` are only ever written by {@link recordNotices}. */
export type Notice = tables.Narrowed<
  Pick<tables.StaffNotice, 'id' | 'kind' | 'entityId' | 'detail' | 'payloadSealed' | 'attempts' | 'createdAt'>,
  { kind: NoticeKind; detail: tables.JsonObject }
>;

export const noticeContext = (entityId: string) => `staff-notice:${entityId}`;

/** Adds notices to the feed inside the caller's transaction, created `now`; the worker is woken when it commits. */
export async function recordNotices(db: SqlClient, sealer: Sealer, given: NewNotice[], now: Date): Promise<void> {
  if (given.length === 0) return;
  // A second line of defence: what people write is redacted where it enters (webhook, turn).
  const notices = given.map((n) => ({ ...n, detail: n.detail && redactMyNumbersDeep(n.detail), payload: redactMyNumbersDeep(n.payload) }));
  await db.run`
    INSERT INTO "StaffNotice" ("kind", "entityId", "detail", "payloadSealed", "createdAt")
    SELECT u."kind", u."entityId"::uuid, u."detail"::jsonb, u."payloadSealed", ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    FROM unnest(${notices.map((n) => n.kind)}::text[], ${notices.map((n) => n.entityId)}::text[],
                ${notices.map((n) => JSON.stringify(n.detail ?? {}))}::text[],
                ${notices.map((n) => (n.payload === undefined ? null : sealer.sealJson(n.payload, noticeContext(n.entityId))))}::text[])
      WITH ORDINALITY AS u("kind", "entityId", "detail", "payloadSealed", "position")
    ORDER BY u."position"`;
  await db.run`SELECT pg_notify(${STAFF_FEED_CHANNEL}, '')`;
}

/**
 * The notices that may be posted now, oldest first: of each application or handoff its
 * oldest pending notice only, so that one entity's notices go out in order (the next
 * is enqueued when this one is settled).
 */
export async function pendingNoticeHeads(db: SqlClient, limit: number): Promise<string[]> {
  const rows = await db.rows<{ id: string }>`
    SELECT h."id"::text AS "id" FROM (
      SELECT DISTINCT ON (n."entityId") n."id" FROM "StaffNotice" n
      WHERE n."status" = 'pending' ORDER BY n."entityId", n."id") h
    ORDER BY h."id" LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

/** The oldest pending notice of one entity, if any: what may be posted after the one just settled. */
export async function nextPendingNotice(db: SqlClient, entityId: string): Promise<string | null> {
  const [row] = await db.rows<{ id: string }>`
    SELECT "id"::text AS "id" FROM "StaffNotice"
    WHERE "entityId" = ${entityId}::uuid AND "status" = 'pending' ORDER BY "id" LIMIT 1`;
  return row?.id ?? null;
}

/** A notice still to be posted; null when it was settled (a re-run job finds nothing to do). */
export async function findPendingNotice(db: SqlClient, id: string): Promise<Notice | null> {
  const [row] = await db.rows<Notice>`
    SELECT "id", "kind", "entityId"::text AS "entityId", "detail", "payloadSealed", "attempts", "createdAt"
    FROM "StaffNotice" WHERE "id" = ${id}::bigint AND "status" = 'pending'`;
  return row ?? null;
}

export async function settleNotice(db: SqlClient, id: bigint, status: 'sent' | 'skipped' | 'failed', at: Date): Promise<void> {
  await db.run`
    UPDATE "StaffNotice" SET "status" = ${status}::"StaffNoticeStatus",
      "sentAt" = ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${id.toString()}::bigint AND "status" = 'pending'`;
}

/** A try that failed, counted (staff and logs see how often Discord was tried). */
export async function noteNoticeAttempt(db: SqlClient, id: bigint): Promise<void> {
  await db.run`UPDATE "StaffNotice" SET "attempts" = "attempts" + 1 WHERE "id" = ${id.toString()}::bigint`;
}

export type DiscordThreadRow = tables.Narrowed<
  Pick<tables.DiscordThread, 'entity' | 'entityId' | 'channelId' | 'messageId' | 'threadId'>, { entity: 'application' | 'handoff' }
>;

export async function findThread(db: SqlClient, entity: DiscordThreadRow['entity'], entityId: string): Promise<DiscordThreadRow | null> {
  const [row] = await db.rows<DiscordThreadRow>`
    SELECT "entity", "entityId"::text AS "entityId", "channelId", "messageId", "threadId"
    FROM "DiscordThread" WHERE "entity" = ${entity} AND "entityId" = ${entityId}::uuid`;
  return row ?? null;
}

/** Records the card's message (threadId null until its thread is started) or the whole thread. */
export async function saveThread(db: SqlClient, row: DiscordThreadRow, now: Date): Promise<void> {
  await db.run`
    INSERT INTO "DiscordThread" ("entity", "entityId", "channelId", "messageId", "threadId", "createdAt")
    VALUES (${row.entity}, ${row.entityId}::uuid, ${row.channelId}, ${row.messageId}, ${row.threadId}, ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}

/** The card's thread was started: later notices post into it. */
export async function saveThreadId(db: SqlClient, row: Pick<DiscordThreadRow, 'entity' | 'entityId'>, threadId: string): Promise<void> {
  await db.run`UPDATE "DiscordThread" SET "threadId" = ${threadId} WHERE "entity" = ${row.entity} AND "entityId" = ${row.entityId}::uuid`;
}
