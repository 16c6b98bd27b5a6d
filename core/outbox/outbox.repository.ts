/**
 * The transactional outbox: messages are committed with the state change that caused
 * them, then delivered after commit (as a reply at once, or as a push by the worker).
 */
import type { Sealer } from '../crypto/sealer.ts';
import type { Db } from '../db/types.ts';

export const outboxContext = (participantId: string) => `outbox:${participantId}`;

export async function createOutboxRow(
  db: Db,
  sealer: Sealer,
  row: { participantId: string; messages: unknown[]; reason: string; notBefore: Date },
): Promise<string> {
  const created = await db.outboxMessage.create({
    data: {
      participantId: row.participantId,
      messagesSealed: sealer.sealJson(row.messages, outboxContext(row.participantId)),
      reason: row.reason,
      notBefore: row.notBefore,
    },
    select: { id: true },
  });
  return created.id;
}

/** Replies that went out: their rows are done and never pushed. */
export async function markOutboxSent(db: Db, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.outboxMessage.updateMany({ where: { id: { in: ids }, status: 'pending' }, data: { status: 'sent', sentAt: at } });
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
