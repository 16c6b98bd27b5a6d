import { z } from 'zod';
import type { AuditEntry } from '../audit/audit-log.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { lockSeminar } from './seminar-lock.ts';

/**
 * What moving someone in the waitlist came to: `moved` (from → to), `notWaiting` (the
 * booking is not in this seminar's waitlist: offered, booked, ended, another seminar's),
 * `badPosition` (outside 1 … the number waiting), `unknown` (no such seminar).
 */
export type ReorderOutcome =
  | { outcome: 'moved'; from: number; to: number; audit: AuditEntry[] }
  | { outcome: 'notWaiting' | 'badPosition' | 'unknown'; audit: AuditEntry[] };

const inputSchema = z.object({
  seminarId: z.string().min(1).max(40),
  bookingId: z.string().max(200),
  position: z.number().int(),
  now: z.date(),
  actor: z.string().min(1).max(200),
});

/**
 * Staff move one person waiting to `position` (1 = offered the next free seat), inside
 * the caller's transaction, under the seminar's lock; audited. The waitlist's join numbers
 * are permuted among themselves, so they stay unique per seminar (the unique key) and
 * later joiners still come after everyone: first negated, then set, because the unique
 * key is checked row by row.
 */
export async function reorderWaitlist(
  tx: SqlClient, input: { seminarId: string; bookingId: string; position: number; now: Date; actor: string },
): Promise<ReorderOutcome> {
  const { seminarId, bookingId, position, now, actor } = inputSchema.parse(input);
  if (!await lockSeminar(tx, seminarId)) return { outcome: 'unknown', audit: [] };
  const waiting = await tx.rows<Pick<tables.SeminarBooking, 'id' | 'joinOrder'>>`
    SELECT "id"::text AS "id", "joinOrder" FROM "SeminarBooking"
    WHERE "seminarId" = ${seminarId} AND "status" = 'waitlisted' ORDER BY "joinOrder" FOR UPDATE`;
  const from = waiting.findIndex((w) => w.id === bookingId) + 1;
  if (from === 0) return { outcome: 'notWaiting', audit: [] };
  if (position < 1 || position > waiting.length) return { outcome: 'badPosition', audit: [] };
  const order = waiting.map((w) => w.id).filter((id) => id !== bookingId);
  order.splice(position - 1, 0, bookingId);
  const numbers = waiting.map((w) => w.joinOrder.toString());
  const at = now.toISOString();
  await tx.run`
    UPDATE "SeminarBooking" SET "joinOrder" = -"joinOrder" WHERE "id" = ANY(${order}::uuid[])`;
  await tx.run`
    UPDATE "SeminarBooking" b SET "joinOrder" = v."joinOrder", "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
    FROM unnest(${order}::uuid[], ${numbers}::bigint[]) AS v("id", "joinOrder")
    WHERE b."id" = v."id"`;
  return {
    outcome: 'moved', from, to: position,
    audit: [{ actor, action: 'seminar.waitlistReordered', entity: 'seminar-booking', entityId: bookingId, detail: { seminarId, from, to: position } }],
  };
}
