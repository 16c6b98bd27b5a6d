/**
 * The transactional outbox: messages are committed with the state change that caused
 * them, then delivered after commit (as a reply at once, or as a push by the worker).
 */
import { randomUUID } from 'node:crypto';
import type { Sealer } from '../crypto/sealer.ts';
import type { Db, SqlDb } from '../db/types.ts';

export const outboxContext = (participantId: string) => `outbox:${participantId}`;

export interface NewOutboxRow {
  participantId: string;
  messages: unknown[];
  reason: string;
  notBefore: Date;
}

/** Writes many outbox rows in one statement; returns their ids in the same order. */
export async function createOutboxRows(db: SqlDb, sealer: Sealer, rows: NewOutboxRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const ids = rows.map(() => randomUUID());
  const retryKeys = rows.map(() => randomUUID());
  const participants = rows.map((r) => r.participantId);
  const sealed = rows.map((r) => sealer.sealJson(r.messages, outboxContext(r.participantId)));
  const reasons = rows.map((r) => r.reason);
  const notBefore = rows.map((r) => r.notBefore.toISOString());
  await db.$executeRaw`
    INSERT INTO "OutboxMessage" ("id", "participantId", "messagesSealed", "retryKey", "reason", "notBefore")
    SELECT u."id"::uuid, u."participantId"::uuid, u."messagesSealed", u."retryKey"::uuid, u."reason", u."notBefore" AT TIME ZONE 'UTC'
    FROM unnest(${ids}::text[], ${participants}::text[], ${sealed}::text[], ${retryKeys}::text[], ${reasons}::text[], ${notBefore}::timestamptz[])
      AS u("id", "participantId", "messagesSealed", "retryKey", "reason", "notBefore")`;
  return ids;
}

/** Replies that went out: their rows are done and never pushed. */
export async function markOutboxSent(db: SqlDb, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.$executeRaw`
    UPDATE "OutboxMessage" SET "status" = 'sent', "sentAt" = ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    WHERE "id" = ANY(${ids}::uuid[]) AND "status" = 'pending'`;
}

/** Makes rows due now, for a reply that failed and must go out as a push. */
export async function makeOutboxDue(db: Db, id: string, at: Date): Promise<void> {
  await db.outboxMessage.updateMany({ where: { id, status: 'pending' }, data: { notBefore: at } });
}

/** Pending rows whose time has come, oldest first: the queue can always be rebuilt from these. */
export async function dueOutboxIds(db: Db, now: Date, limit: number): Promise<string[]> {
  const rows = await db.outboxMessage.findMany({
    where: { status: 'pending', notBefore: { lte: now } },
    orderBy: { notBefore: 'asc' },
    take: limit,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}
