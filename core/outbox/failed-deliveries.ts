/**
 * Messages that could not be delivered, for staff: the list (who by receipt number or an
 * anonymous reference, what kind, when, the failure as stored) and the retry.
 *
 * A retry must never make a person read a message twice. LINE accepts a push once per
 * `X-Line-Retry-Key` and answers a repeat within 24 hours of the first attempt with 409
 * (the worker then marks the row sent); a 4xx or 429 means the request was refused and
 * nothing was accepted under that key. So:
 * - every attempt under the key was refused (`refusedAttempts` = `attempts`): the key was
 *   never accepted, and the retry gets a NEW key (the old request is dead; a new key makes
 *   sure nothing LINE remembers about it can answer the new one);
 * - any attempt ended otherwise (a 5xx, a timeout, a process that stopped mid-request),
 *   so LINE may have accepted it: the retry KEEPS the key, and LINE's 409 tells whether
 *   it was delivered — but only within 24 hours of the first attempt; after that LINE has
 *   forgotten the key, and the list warns that a retry may deliver it a second time.
 * The key is the id of the delivery request that carried the row (a push, a multicast, a
 * DM; core/outbox/delivery-requests.repository.ts): a renewed key means the row leaves
 * that request and the worker plans a new one; a kept key puts the request back, and the
 * worker repeats it for the rows retried.
 * Discord DMs carry the key as an enforced nonce, which Discord remembers for minutes
 * only: the same rule applies, with that shorter memory.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../audit/audit-log.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { participantLabel } from '../handoff/handoff.service.ts';
import { reopenRequestFor } from './delivery-requests.repository.ts';

/** How long LINE remembers a retry key after the first request that used it. */
const RETRY_KEY_MEMORY_MS = 24 * 60 * 60 * 1000;

/**
 * What a retry does with the row's retry key: `renewed` (never accepted: a new key),
 * `kept` (maybe accepted, LINE still remembers it: a repeat cannot arrive twice),
 * `expired` (maybe accepted, LINE no longer remembers it: a retry may arrive twice).
 */
export type RetryKeyPlan = 'renewed' | 'kept' | 'expired';

/**
 * An undelivered message as staff see it: who (a receipt number or an anonymous
 * reference), what kind, when, why; never what it said. `kind`: what the message was
 * (`reply`, `staff-reply`, `handoff-closed`, `decision:<round>`, `event-promoted`); `lastError`:
 * how the last attempt ended, as the worker stored it (a status line, never message
 * content).
 */
export interface FailedDelivery extends Pick<tables.OutboxMessage, 'id' | 'kind' | 'createdAt' | 'attempts' | 'lastError'> {
  /** The person's application in this contest, if it has a receipt number. */
  receiptNumber: tables.Application['receiptNumber'];
  /** An anonymous, stable reference to the person (never a name or a LINE id). */
  participant: string;
  channel: 'line' | 'discord';
  keyPlan: RetryKeyPlan;
}

type Row = Pick<tables.OutboxMessage, 'id' | 'kind' | 'createdAt' | 'attempts' | 'lastError' | 'participantId' | 'refusedAttempts' | 'firstAttemptAt'>
  & { receiptNumber: tables.Application['receiptNumber'] } & tables.Computed<{ discord: boolean }>;

/** Failed rows, newest first, a page at a time, and how many there are. */
export async function listFailedDeliveries(
  db: SqlClient, contestId: string, page: { offset: number; limit: number }, now: Date,
): Promise<{ total: number; deliveries: FailedDelivery[] }> {
  const rows = await db.rows<Row & tables.Computed<{ total: number }>>`
    SELECT o."id"::text AS "id", o."kind", o."participantId"::text AS "participantId", o."createdAt", o."attempts", o."refusedAttempts",
           o."firstAttemptAt", o."lastError", p."discordUserId" IS NOT NULL AS "discord",
           (SELECT a."receiptNumber" FROM "Application" a
            WHERE a."participantId" = o."participantId" AND a."contestId" = ${contestId} AND a."receiptNumber" IS NOT NULL
            ORDER BY a."createdAt" DESC LIMIT 1) AS "receiptNumber",
           count(*) OVER ()::int AS "total"
    FROM "OutboxMessage" o JOIN "Participant" p ON p."id" = o."participantId"
    WHERE o."status" = 'failed'
    ORDER BY o."createdAt" DESC, o."id"
    OFFSET ${page.offset}::integer LIMIT ${page.limit}::integer`;
  return {
    total: rows[0]?.total ?? (page.offset > 0 ? await countFailed(db) : 0),
    deliveries: rows.map(({ total: _total, participantId, refusedAttempts, firstAttemptAt, discord, ...row }) => ({
      ...row, participant: participantLabel(participantId), channel: discord ? 'discord' : 'line',
      keyPlan: keyPlan({ attempts: row.attempts, refusedAttempts, firstAttemptAt }, now),
    })),
  };
}

async function countFailed(db: SqlClient): Promise<number> {
  const [row] = await db.rows<tables.Computed<{ count: number }>>`SELECT count(*)::int AS "count" FROM "OutboxMessage" WHERE "status" = 'failed'`;
  return row?.count ?? 0;
}

/** The rule in this file's comment, for one row. */
export function keyPlan(row: Pick<tables.OutboxMessage, 'attempts' | 'refusedAttempts' | 'firstAttemptAt'>, now: Date): RetryKeyPlan {
  if (row.refusedAttempts >= row.attempts) return 'renewed';
  // Rows from before the first attempt was recorded have no time: LINE may have forgotten their key.
  if (!row.firstAttemptAt || now.getTime() - row.firstAttemptAt.getTime() >= RETRY_KEY_MEMORY_MS) return 'expired';
  return 'kept';
}

/** What a retry did: queued again (and with which retry key), or why not. */
export type RetryOutcome =
  | { status: 'retried'; keyPlan: RetryKeyPlan; audit: AuditEntry }
  | { status: 'notFailed' }
  | { status: 'notFound' };

/**
 * Makes a failed row pending again, due now, with its retry key renewed or kept by the
 * rule above. Only a row that is `failed` at that moment moves (a row lock and a
 * conditional update): two staff members retrying at once, or a retry of a row that went
 * out meanwhile, change nothing. The caller hands the row to the queue after commit and
 * writes the returned audit entry in the same transaction.
 */
export async function retryFailedDelivery(tx: SqlClient, id: string, actor: string, now: Date): Promise<RetryOutcome> {
  const [row] = await tx.rows<Pick<tables.OutboxMessage, 'status' | 'attempts' | 'refusedAttempts' | 'firstAttemptAt' | 'kind'>>`
    SELECT "status"::text AS "status", "attempts", "refusedAttempts", "firstAttemptAt", "kind"
    FROM "OutboxMessage" WHERE "id" = ${id}::uuid FOR UPDATE`;
  if (!row) return { status: 'notFound' };
  if (row.status !== 'failed') return { status: 'notFailed' };
  const plan = keyPlan(row, now);
  const renew = plan === 'renewed';
  const at = now.toISOString();
  await tx.run`
    UPDATE "OutboxMessage" SET "status" = 'pending', "notBefore" = ${at}::timestamptz AT TIME ZONE 'UTC',
      "retryKey" = CASE WHEN ${renew}::boolean THEN ${randomUUID()}::uuid ELSE "retryKey" END,
      "attempts" = CASE WHEN ${renew}::boolean THEN 0 ELSE "attempts" END,
      "refusedAttempts" = CASE WHEN ${renew}::boolean THEN 0 ELSE "refusedAttempts" END,
      "firstAttemptAt" = CASE WHEN ${renew}::boolean THEN NULL ELSE "firstAttemptAt" END
    WHERE "id" = ${id}::uuid AND "status" = 'failed'`;
  // The key is the delivery request's id: a new key is a new request, a kept one its request again.
  await reopenRequestFor(tx, id, !renew, randomUUID());
  return {
    status: 'retried', keyPlan: plan,
    audit: { actor, action: 'delivery.retried', entity: 'outbox', entityId: id, detail: { kind: row.kind, retryKey: plan, attempts: row.attempts } },
  };
}
