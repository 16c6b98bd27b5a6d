/**
 * Sends: one outgoing batch to many people (a broadcast, a reminder's run, a round's
 * results). Its outbox rows are its recipients; its report counts them by status, so it
 * is always exactly what the rows say — nothing to keep in step.
 *
 * @example
 * const sendId = await createSend(tx, { kind: 'broadcast', label: '12/10 説明会のお知らせ', createdBy: 'discord:1' }, now);
 * await createOutboxRows(tx, sealer, recipients.map((participantId) => ({ participantId, content, kind: 'broadcast', sendId, notBefore: now })), now);
 * await sendReport(db, sendId); // { targeted: 2, sent: 0, skipped: 0, failed: 0, … }
 */
import { randomUUID } from 'node:crypto';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

export type NewSend = Pick<tables.Send, 'kind' | 'label' | 'createdBy'>;

/** Creates a send inside the caller's transaction; returns its id. */
export async function createSend(db: SqlClient, send: NewSend, now: Date): Promise<string> {
  const id = randomUUID();
  await db.run`
    INSERT INTO "Send" ("id", "kind", "label", "createdBy", "createdAt")
    VALUES (${id}::uuid, ${send.kind}, ${send.label}, ${send.createdBy}, ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
  return id;
}

/**
 * A send's report: `targeted` (every recipient row), `sent`, `skipped` (blocked the
 * account), `failed` (for good; staff can retry them), and `waiting` (held for approval
 * or not yet due or in flight).
 */
export interface SendReport extends Pick<tables.Send, 'id' | 'kind' | 'label' | 'createdAt'> {
  targeted: number;
  sent: number;
  skipped: number;
  failed: number;
  waiting: number;
}

type Counted = tables.Computed<{ targeted: number; sent: number; skipped: number; failed: number }>;

/** The report of one send; null when there is no such send. */
export async function sendReport(db: SqlClient, sendId: string): Promise<SendReport | null> {
  const [report] = await sendReports(db, { ids: [sendId] });
  return report ?? null;
}

/** Reports of the given sends, or the `latest` n, newest first. */
export async function sendReports(db: SqlClient, which: { ids: string[] } | { latest: number }): Promise<SendReport[]> {
  const ids = 'ids' in which ? which.ids : null;
  const limit = 'latest' in which ? which.latest : ids!.length;
  const rows = await db.rows<Pick<tables.Send, 'id' | 'kind' | 'label' | 'createdAt'> & Counted>`
    SELECT s."id"::text AS "id", s."kind", s."label", s."createdAt",
           count(o."id")::int AS "targeted",
           (count(*) FILTER (WHERE o."status" = 'sent'))::int AS "sent",
           (count(*) FILTER (WHERE o."status" = 'skipped'))::int AS "skipped",
           (count(*) FILTER (WHERE o."status" = 'failed'))::int AS "failed"
    FROM "Send" s LEFT JOIN "OutboxMessage" o ON o."sendId" = s."id"
    WHERE ${ids}::uuid[] IS NULL OR s."id" = ANY(${ids}::uuid[])
    GROUP BY s."id"
    ORDER BY s."createdAt" DESC, s."id"
    LIMIT ${limit}::integer`;
  return rows.map((r) => ({ ...r, waiting: r.targeted - r.sent - r.skipped - r.failed }));
}
