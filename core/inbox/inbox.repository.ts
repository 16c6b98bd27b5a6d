/**
 * The transactional inbox: accepted webhook events are stored before LINE gets its 200,
 * deduplicated by webhookEventId, and consumed by exactly one committed turn.
 */
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import type { Queryable } from '../db/sql-pool.ts';

export const inboxContext = (webhookEventId: string) => `inbox:${webhookEventId}`;

export interface AcceptedEvent {
  webhookEventId: string;
  lineUserId: string | null;
  eventType: string;
  occurredAt: Date;
  /** When this machine received it, by the injected clock. */
  receivedAt: Date;
  payload: unknown;
}

/** Inserts the events not seen before and returns their ids; redeliveries return nothing. */
export async function acceptEvents(db: Queryable, sealer: Sealer, events: AcceptedEvent[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const ids = events.map((e) => e.webhookEventId);
  const users = events.map((e) => e.lineUserId);
  const types = events.map((e) => e.eventType);
  const times = events.map((e) => e.occurredAt.toISOString());
  const received = events.map((e) => e.receivedAt.toISOString());
  const payloads = events.map((e) => sealer.sealJson(e.payload, inboxContext(e.webhookEventId)));
  const { rows } = await db.query<Pick<tables.InboxEvent, 'webhookEventId'>>(`
    INSERT INTO "InboxEvent" ("webhookEventId", "lineUserId", "eventType", "occurredAt", "receivedAt", "payloadSealed")
    SELECT u."id", u."user", u."type", u."at" AT TIME ZONE 'UTC', u."received" AT TIME ZONE 'UTC', u."payload"
    FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[]) AS u("id", "user", "type", "at", "received", "payload")
    ON CONFLICT ("webhookEventId") DO NOTHING
    RETURNING "webhookEventId"`, [ids, users, types, times, received, payloads]);
  return new Set(rows.map((r) => r.webhookEventId));
}

/**
 * Consumes pending events inside a turn's transaction; returns those this call consumed.
 * An event is not consumed while an older event of the same LINE user is still pending:
 * it stays pending (held back) and its processor runs the older one first (see
 * {@link olderPendingEvents}), so a person's messages are answered in the order they sent
 * them. Failed and ignored events change nothing a later event depends on, so they are
 * never held back.
 */
export async function consumeInboxEvents(
  db: SqlClient, webhookEventIds: string[], at: Date, status: 'processed' | 'ignored' | 'failed' = 'processed',
): Promise<Set<string>> {
  if (webhookEventIds.length === 0) return new Set();
  const rows = await db.rows<Pick<tables.InboxEvent, 'webhookEventId'>>`
    UPDATE "InboxEvent" e SET "status" = ${status}::"InboxStatus", "processedAt" = ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC', "payloadSealed" = NULL
    WHERE e."webhookEventId" = ANY(${webhookEventIds}::text[]) AND e."status" = 'pending'
      AND (${status} IN ('failed', 'ignored') OR e."lineUserId" IS NULL OR NOT EXISTS (
        SELECT 1 FROM "InboxEvent" older
        WHERE older."lineUserId" = e."lineUserId" AND older."status" = 'pending' AND older."occurredAt" < e."occurredAt"
          AND NOT (older."webhookEventId" = ANY(${webhookEventIds}::text[]))))
    RETURNING e."webhookEventId"`;
  return new Set(rows.map((r) => r.webhookEventId));
}

/** Those of `webhookEventIds` still pending: after a consume, the ones held back rather than consumed before. */
export async function stillPending(db: SqlClient, webhookEventIds: string[]): Promise<Set<string>> {
  if (webhookEventIds.length === 0) return new Set();
  const rows = await db.rows<Pick<tables.InboxEvent, 'webhookEventId'>>`
    SELECT "webhookEventId" FROM "InboxEvent" WHERE "webhookEventId" = ANY(${webhookEventIds}::text[]) AND "status" = 'pending'`;
  return new Set(rows.map((r) => r.webhookEventId));
}

/** An event read back from the inbox: its payload, opened, and when this machine received it. */
export type StoredInboxEvent = Pick<tables.InboxEvent, 'webhookEventId' | 'receivedAt'> & { payload: unknown };

type StoredRow = Pick<tables.InboxEvent, 'webhookEventId' | 'payloadSealed' | 'receivedAt'>;

/** Rows whose payload is still there (it is cleared once processed), opened. */
function openStored(sealer: Sealer, rows: StoredRow[]): StoredInboxEvent[] {
  return rows.filter((r) => r.payloadSealed !== null).map((r) => ({
    webhookEventId: r.webhookEventId,
    payload: sealer.openJson(r.payloadSealed!, inboxContext(r.webhookEventId)),
    receivedAt: r.receivedAt,
  }));
}

/**
 * The same person's events that happened before this one and are still pending, oldest
 * first, with their payloads: what a held-back event waits for. Some may be queued in
 * this process, some only in the database (another process accepted them, or one that
 * stopped). One that a turn of another process is consuming right now is waited for (its
 * row lock, through FOR SHARE) and, once that turn commits, is no longer pending: so what
 * comes back is exactly what is left to run, and the wait happens here, outside any turn.
 */
export async function olderPendingEvents(db: SqlClient, sealer: Sealer, webhookEventId: string, limit: number): Promise<StoredInboxEvent[]> {
  const rows = await db.rows<StoredRow>`
    SELECT older."webhookEventId", older."payloadSealed", older."receivedAt"
    FROM "InboxEvent" e JOIN "InboxEvent" older
      ON older."lineUserId" = e."lineUserId" AND older."status" = 'pending' AND older."occurredAt" < e."occurredAt"
    WHERE e."webhookEventId" = ${webhookEventId}
    ORDER BY older."occurredAt", older."receivedAt" LIMIT ${limit}::integer
    FOR SHARE OF older`;
  return openStored(sealer, rows);
}

/** Consumes one pending event; false if another turn already did. */
export async function markInboxProcessed(db: SqlClient, webhookEventId: string, at: Date, status: 'processed' | 'ignored' = 'processed'): Promise<boolean> {
  return (await consumeInboxEvents(db, [webhookEventId], at, status)).has(webhookEventId);
}

export async function markInboxFailed(db: SqlClient, webhookEventId: string, at: Date): Promise<void> {
  await consumeInboxEvents(db, [webhookEventId], at, 'failed');
}

/**
 * Events a batch consumed whose own turn then failed and was taken back alone
 * (runtime/run-turn.ts): marked failed, as if nothing had been consumed.
 */
export async function markConsumedFailed(db: SqlClient, webhookEventIds: string[], at: Date): Promise<void> {
  if (webhookEventIds.length === 0) return;
  await db.run`
    UPDATE "InboxEvent" SET "status" = 'failed'::"InboxStatus", "processedAt" = ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    WHERE "webhookEventId" = ANY(${webhookEventIds}::text[]) AND "status" = 'processed'`;
}

/** Events accepted but never processed (the process stopped): replayed at start-up. */
export async function pendingInboxEvents(db: SqlClient, sealer: Sealer, olderThan: Date, limit: number): Promise<StoredInboxEvent[]> {
  const rows = await db.rows<StoredRow>`
    SELECT "webhookEventId", "payloadSealed", "receivedAt" FROM "InboxEvent"
    WHERE "status" = 'pending' AND "receivedAt" < ${olderThan.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    ORDER BY "occurredAt" LIMIT ${limit}::integer`;
  return openStored(sealer, rows);
}

/**
 * Claims an event that arrives without a webhook (a Discord gateway event) for this
 * process: recorded as processed at once, so the replay never takes it and a second ouen
 * process connected to the same bot skips it. False when another process claimed it.
 */
export async function claimGatewayEvent(db: SqlClient, eventId: string, eventType: string, now: Date): Promise<boolean> {
  const rows = await db.rows<Pick<tables.InboxEvent, 'webhookEventId'>>`
    INSERT INTO "InboxEvent" ("webhookEventId", "eventType", "occurredAt", "receivedAt", "status", "processedAt")
    VALUES (${eventId}, ${eventType}, ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC', ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC',
            'processed', ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
    ON CONFLICT ("webhookEventId") DO NOTHING
    RETURNING "webhookEventId"`;
  return rows.length === 1;
}
