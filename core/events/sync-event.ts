import type { EventConfig } from '../../flows/event/event-config.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { Transact } from '../db/types.ts';
import { lockEvent } from './event-lock.ts';
import type { PromotedRegistration } from './event-registration-types.ts';
import { promoteWaiting } from './promote-waiting.ts';

/**
 * What syncing did. `capacity` is the number of places the event now has; it differs
 * from the configured one only when `clamped` (see syncEvent).
 */
export interface EventSync {
  change: 'created' | 'updated' | 'unchanged';
  capacity: number;
  /** The configuration asked for fewer places than people already hold: see syncEvent. */
  clamped?: { configured: number; registered: number };
  /** People waiting who got a place because the capacity grew: tell them by push, with their ticket. */
  promoted: PromotedRegistration[];
}

/**
 * Makes the event row match the program configuration (like core/contests/sync-contest.ts),
 * in one transaction under the event's lock, audited when anything changed.
 *
 * Capacity:
 * - raised: the new places go at once to the people waiting, in join order (`promoted`);
 * - lowered, but not below the places already taken: fewer places from now on;
 * - lowered below the places already taken: nobody loses a place they were given. The
 *   event keeps exactly as many places as are taken (`clamped`): registration goes on
 *   to the waitlist only, and a place given back is passed to the next person waiting.
 *   Each later sync lowers it again as far as it can, until it reaches the configured
 *   number. The caller should log the clamp; to shrink at once, cancel registrations.
 *
 * `registeredCount` is never written here: only registrations and cancellations move it.
 */
export async function syncEvent(transact: Transact, sealer: Sealer, event: EventConfig, now: Date): Promise<EventSync> {
  const configured = event.registration.capacity;
  const [opensAt, closesAt, startsAt] = [event.registration.opensAt, event.registration.closesAt, event.startsAt].map((t) => new Date(t).toISOString());
  return transact(async (tx) => {
    const before = await lockEvent(tx, event.id);
    const capacity = Math.max(configured, before?.registeredCount ?? 0);
    const clamped = capacity !== configured ? { configured, registered: before!.registeredCount } : undefined;
    const [same] = before ? await tx.rows<tables.Computed<{ same: boolean }>>`
      SELECT "capacity" = ${capacity}::int AND "opensAt" = ${opensAt}::timestamptz AT TIME ZONE 'UTC'
        AND "closesAt" = ${closesAt}::timestamptz AT TIME ZONE 'UTC' AND "startsAt" = ${startsAt}::timestamptz AT TIME ZONE 'UTC' AS "same"
      FROM "Event" WHERE "id" = ${event.id}` : [];
    if (same?.same) return { change: 'unchanged', capacity, ...(clamped ? { clamped } : {}), promoted: [] };
    const at = now.toISOString();
    await tx.run`
      INSERT INTO "Event" ("id", "capacity", "opensAt", "closesAt", "startsAt", "createdAt", "updatedAt")
      VALUES (${event.id}, ${capacity}::int, ${opensAt}::timestamptz AT TIME ZONE 'UTC', ${closesAt}::timestamptz AT TIME ZONE 'UTC',
              ${startsAt}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC')
      ON CONFLICT ("id") DO UPDATE SET "capacity" = EXCLUDED."capacity", "opensAt" = EXCLUDED."opensAt", "closesAt" = EXCLUDED."closesAt",
        "startsAt" = EXCLUDED."startsAt", "updatedAt" = EXCLUDED."updatedAt"`;
    const { promoted, audit } = await promoteWaiting(tx, sealer, { eventId: event.id, now, actor: 'system', cause: 'capacity' });
    await appendAudit(tx, [{
      actor: 'system', action: before ? 'event.updated' : 'event.created', entity: 'event', entityId: event.id,
      detail: { capacity, configuredCapacity: configured, opensAt: event.registration.opensAt, closesAt: event.registration.closesAt, startsAt: event.startsAt },
    }, ...audit], now);
    return { change: before ? 'updated' : 'created', capacity, ...(clamped ? { clamped } : {}), promoted };
  });
}
