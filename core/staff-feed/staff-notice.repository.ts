/**
 * The staff feed: notices for staff (an application arrived or changed, a participant
 * asked for a person), written in the transaction that caused them and posted to
 * Discord in order by the staff bot (bot/discord/staff-feed.ts). A NOTIFY on commit
 * wakes the bot at once; a periodic sweep covers a missed wake-up.
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

/** Adds notices to the feed inside the caller's transaction, created `now`; the bot is woken when it commits. */
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
 * Takes the oldest pending notice for `leaseMs` (committed at once, so no transaction
 * stays open while Discord is called; an expired lease lets another process try).
 * Notices of one application or handoff go in order: a newer one waits while an older
 * one is pending.
 */
export async function claimNextNotice(db: SqlClient, now: Date, leaseMs: number): Promise<Notice | null> {
  const [row] = await db.rows<Notice>`
    UPDATE "StaffNotice" SET "claimedUntil" = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = (
      SELECT n."id" FROM "StaffNotice" n
      WHERE n."status" = 'pending'
        AND (n."claimedUntil" IS NULL OR n."claimedUntil" < ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
        AND NOT EXISTS (SELECT 1 FROM "StaffNotice" o WHERE o."entityId" = n."entityId" AND o."status" = 'pending' AND o."id" < n."id")
      ORDER BY n."id"
      LIMIT 1
      FOR UPDATE SKIP LOCKED)
    RETURNING "id", "kind", "entityId"::text AS "entityId", "detail", "payloadSealed", "attempts", "createdAt"`;
  return row ?? null;
}

export async function settleNotice(db: SqlClient, id: bigint, status: 'sent' | 'skipped' | 'failed', at: Date): Promise<void> {
  await db.run`
    UPDATE "StaffNotice" SET "status" = ${status}::"StaffNoticeStatus", "claimedUntil" = NULL,
      "sentAt" = ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ${id.toString()}::bigint`;
}

/** A try that failed: counted, and the lease given back for the next sweep. */
export async function noteNoticeAttempt(db: SqlClient, id: bigint): Promise<void> {
  await db.run`UPDATE "StaffNotice" SET "attempts" = "attempts" + 1, "claimedUntil" = NULL WHERE "id" = ${id.toString()}::bigint`;
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

export async function saveThread(db: SqlClient, row: DiscordThreadRow, now: Date): Promise<void> {
  await db.run`
    INSERT INTO "DiscordThread" ("entity", "entityId", "channelId", "messageId", "threadId", "createdAt")
    VALUES (${row.entity}, ${row.entityId}::uuid, ${row.channelId}, ${row.messageId}, ${row.threadId}, ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}
