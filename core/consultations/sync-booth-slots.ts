import { allSlots } from '../../flows/consult/consult-slots.ts';
import type { BoothsConfig } from '../../flows/consult/consult-config.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type * as tables from '../db/tables.ts';
import type { Transact } from '../db/types.ts';
import { lockConsultations } from './consultation-lock.ts';

/** What syncing did; `orphaned` are live bookings left in slots the configuration dropped (tell those people). */
export interface BoothSlotSync {
  created: number;
  updated: number;
  retired: number;
  /** Slots keeping more places than configured, because more are booked already. */
  clamped: Array<{ slotId: string; configured: number; booked: number }>;
  orphaned: number;
}

/**
 * Makes the slot rows match the program file's booths (like core/events/sync-event.ts),
 * in one transaction under the event's consultation lock, audited when anything changed.
 *
 * - A slot is its booth and start (the id says both); a new one is created.
 * - A slot's capacity follows the configuration, but never below the places already
 *   booked (nobody loses a booking; `clamped` says where).
 * - A slot the configuration no longer has is retired: no longer offered or bookable,
 *   its bookings kept (`orphaned` counts the live ones, for staff to contact). A slot that
 *   comes back is offered again.
 *
 * `bookedCount` is never written here: only booking, cancelling and moving move it.
 */
export async function syncBoothSlots(transact: Transact, config: BoothsConfig, eventId: string, now: Date): Promise<BoothSlotSync> {
  const slots = allSlots(config);
  const at = now.toISOString();
  return transact(async (tx) => {
    await lockConsultations(tx, eventId);
    const written = await tx.rows<Pick<tables.BoothSlot, 'id' | 'capacity' | 'bookedCount'> & tables.Computed<{ created: boolean }>>`
      INSERT INTO "BoothSlot" ("id", "eventId", "boothId", "startsAt", "endsAt", "capacity", "createdAt", "updatedAt")
      SELECT u."id", ${eventId}, u."boothId", u."startsAt"::timestamptz AT TIME ZONE 'UTC', u."endsAt"::timestamptz AT TIME ZONE 'UTC', u."capacity",
             ${at}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC'
      FROM unnest(${slots.map((s) => s.id)}::text[], ${slots.map((s) => s.boothId)}::text[], ${slots.map((s) => s.startsAt)}::text[],
                  ${slots.map((s) => s.endsAt)}::text[], ${slots.map((s) => s.capacity)}::int[]) AS u("id", "boothId", "startsAt", "endsAt", "capacity")
      ON CONFLICT ("id") DO UPDATE SET
        "capacity" = greatest(EXCLUDED."capacity", "BoothSlot"."bookedCount"), "endsAt" = EXCLUDED."endsAt",
        "retiredAt" = NULL, "updatedAt" = EXCLUDED."updatedAt"
      WHERE "BoothSlot"."capacity" <> greatest(EXCLUDED."capacity", "BoothSlot"."bookedCount")
         OR "BoothSlot"."endsAt" <> EXCLUDED."endsAt" OR "BoothSlot"."retiredAt" IS NOT NULL
      RETURNING "id", "capacity", "bookedCount", (xmax = 0) AS "created"`;
    const retired = await tx.rows<Pick<tables.BoothSlot, 'id' | 'bookedCount'>>`
      UPDATE "BoothSlot" SET "retiredAt" = ${at}::timestamptz AT TIME ZONE 'UTC', "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
      WHERE "eventId" = ${eventId} AND "retiredAt" IS NULL AND NOT ("id" = ANY(${slots.map((s) => s.id)}::text[]))
      RETURNING "id", "bookedCount"`;
    const configured = new Map(slots.map((s) => [s.id, s.capacity]));
    const clampedRows = await tx.rows<Pick<tables.BoothSlot, 'id' | 'capacity' | 'bookedCount'>>`
      SELECT "id", "capacity", "bookedCount" FROM "BoothSlot"
      WHERE "eventId" = ${eventId} AND "retiredAt" IS NULL AND "bookedCount" > 0 AND "bookedCount" = "capacity"`;
    const clamped = clampedRows.filter((r) => (configured.get(r.id) ?? r.capacity) < r.bookedCount)
      .map((r) => ({ slotId: r.id, configured: configured.get(r.id)!, booked: r.bookedCount }));
    const sync: BoothSlotSync = {
      created: written.filter((r) => r.created).length,
      updated: written.filter((r) => !r.created).length,
      retired: retired.length,
      clamped,
      orphaned: retired.reduce((sum, r) => sum + r.bookedCount, 0),
    };
    if (sync.created + sync.updated + sync.retired > 0) {
      await appendAudit(tx, [{ actor: 'system', action: 'booths.synced', entity: 'event', entityId: eventId, detail: { ...sync, clamped: clamped.length } }], now);
    }
    return sync;
  });
}
