import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

export type LockedEvent = Pick<tables.Event, 'capacity' | 'registeredCount' | 'opensAt' | 'closesAt'>;

/**
 * Takes the event row's lock for the rest of the transaction and reads it; null when the
 * event was never synced. Everything that moves a registration between registered,
 * waitlisted and cancelled takes this lock first, so those changes happen one at a time
 * per event, in the order join numbers are drawn: a waitlist position read under it is
 * exact, and `registeredCount` is always the number of registered rows.
 *
 * `FOR NO KEY UPDATE` (what an UPDATE of the counter takes anyway) rather than
 * `FOR UPDATE`: it does not block the foreign-key checks of rows that merely point at the
 * event. Relies on READ COMMITTED (PostgreSQL's default, and every transaction's here):
 * each statement after the lock sees what the previous holder committed.
 */
export async function lockEvent(tx: SqlClient, eventId: string): Promise<LockedEvent | null> {
  const rows = await tx.rows<LockedEvent>`
    SELECT "capacity", "registeredCount", "opensAt", "closesAt" FROM "Event" WHERE "id" = ${eventId} FOR NO KEY UPDATE`;
  return rows[0] ?? null;
}

/** Registration is open from `opensAt` (included) until `closesAt` (excluded). */
export function registrationOpen(event: LockedEvent, now: Date): boolean {
  return event.opensAt.getTime() <= now.getTime() && now.getTime() < event.closesAt.getTime();
}
