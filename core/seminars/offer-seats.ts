import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { mergeChanges, scheduleReminder } from '../schedules/schedule.service.ts';
import { noQueueChanges } from '../schedules/schedule-job.ts';
import { offerExpiryKey, SEMINAR_OFFER_EXPIRY } from './seminar-reminder-ids.ts';
import type { SeatChanges, SeminarRules } from './seminar-service-types.ts';

/**
 * Offers the seminar's free seats to the people waiting, first come first served (join
 * order), holding each seat for `offerHoldHours` (never past the start), and counts them
 * as held in the same statement; the caller holds the seminar's lock. Each offer gets an
 * expiry schedule, so an unanswered offer moves on even if nobody writes. Nothing once
 * the seminar has started, with no free seat, or with nobody waiting. The guard_ check on
 * the counter makes an overfill fail the transaction rather than happen.
 */
export async function offerFreeSeats(
  tx: SqlClient, rules: SeminarRules, input: { seminarId: string; now: Date; actor: string; cause: string },
): Promise<SeatChanges> {
  const at = input.now.toISOString();
  const holdMs = rules.settings.offerHoldHours * 3_600_000;
  const rows = await tx.rows<Pick<tables.SeminarBooking, 'id' | 'participantId' | 'offerExpiresAt'>>`
    WITH "free" AS (
      SELECT greatest("capacity" - "heldCount", 0) AS "seats", "startsAt" FROM "Seminar"
      WHERE "id" = ${input.seminarId} AND "startsAt" > ${at}::timestamptz AT TIME ZONE 'UTC'
    ), "next" AS (
      SELECT "id" FROM "SeminarBooking"
      WHERE "seminarId" = ${input.seminarId} AND "status" = 'waitlisted'
      ORDER BY "joinOrder" LIMIT coalesce((SELECT "seats" FROM "free"), 0)
      FOR UPDATE
    ), "offered" AS (
      UPDATE "SeminarBooking" b
      SET "status" = 'offered', "offeredAt" = ${at}::timestamptz AT TIME ZONE 'UTC',
          "offerExpiresAt" = least(${new Date(input.now.getTime() + holdMs).toISOString()}::timestamptz AT TIME ZONE 'UTC', (SELECT "startsAt" FROM "free")),
          "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
      FROM "next" WHERE b."id" = "next"."id"
      RETURNING b."id", b."participantId", b."offerExpiresAt", b."joinOrder"
    ), "counted" AS (
      UPDATE "Seminar" SET "heldCount" = "heldCount" + (SELECT count(*) FROM "offered")::int, "updatedAt" = ${at}::timestamptz AT TIME ZONE 'UTC'
      WHERE "id" = ${input.seminarId} AND EXISTS (SELECT 1 FROM "offered")
    )
    SELECT "id"::text AS "id", "participantId"::text AS "participantId", "offerExpiresAt" FROM "offered" ORDER BY "joinOrder"`;
  let queue = noQueueChanges();
  for (const row of rows) {
    // Not urgent: an offer running out at night moves on when quiet hours end, so the next person is not woken by it.
    queue = mergeChanges(queue, await scheduleReminder(tx, {
      reminder: SEMINAR_OFFER_EXPIRY, entity: 'seminar-booking', entityId: row.id, participantId: row.participantId,
      runAt: row.offerExpiresAt!, dedupeKey: offerExpiryKey(row.id),
    }, rules.timing, input.now));
  }
  return {
    offers: rows.map((row) => ({ bookingId: row.id, participantId: row.participantId, seminarId: input.seminarId, expiresAt: row.offerExpiresAt! })),
    audit: rows.map((row) => ({
      actor: input.actor, action: 'seminar.offered', entity: 'seminar-booking', entityId: row.id,
      detail: { seminarId: input.seminarId, cause: input.cause, expiresAt: row.offerExpiresAt!.toISOString() },
    })),
    queue,
  };
}

/** Cancels an offer's expiry schedule (it was answered): it never fires. */
export async function cancelOfferExpiry(tx: SqlClient, bookingId: string) {
  const rows = await tx.rows<Pick<tables.Schedule, 'id' | 'runAt'>>`
    UPDATE "Schedule" SET "status" = 'cancelled' WHERE "dedupeKey" = ${offerExpiryKey(bookingId)} AND "status" = 'pending'
    RETURNING "id"::text AS "id", "runAt"`;
  return { add: [], remove: rows.map((r) => ({ scheduleId: r.id, runAt: r.runAt })) };
}
