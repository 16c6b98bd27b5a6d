import { createHash } from 'node:crypto';
import type { SeminarConfig, SeminarsConfig } from '../../flows/seminar/seminar-config.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient, Transact } from '../db/types.ts';
import { mergeChanges } from '../schedules/schedule.service.ts';
import { noQueueChanges, type ScheduleQueueChanges } from '../schedules/schedule-job.ts';
import { changeSeminar } from './change-seminar.ts';
import { lockSeminar } from './seminar-lock.ts';
import { planSeminarReminders } from './seminar-schedules.ts';
import type { Offer, SeminarRules } from './seminar-service-types.ts';

export interface SeminarSync {
  created: string[];
  updated: string[];
  /** The file changed a seminar in a way the bookings do not allow (fewer seats than held, a time that overlaps someone's other seminar): it keeps what it had; staff decide. */
  refused: Array<{ seminarId: string; reason: string }>;
  /** People waiting who were offered a seat because the file raised a capacity: tell them. */
  offers: Offer[];
  queue: ScheduleQueueChanges;
}

/**
 * Makes the seminar rows match the program file at start, in one transaction, audited
 * (like core/events/sync-event.ts). A seminar new to the file is created with its values.
 * For one that exists, the file wins only where the file changed since the last sync (a
 * digest of its capacity, times and room): otherwise what staff changed at run time
 * stands. A file change goes through the same rules as a staff change (change-seminar.ts).
 * Seminars dropped from the file keep their rows (their bookings are history); flows
 * show only the file's. Each seminar's reminder schedules are made to match its time.
 */
export async function syncSeminars(transact: Transact, rules: SeminarRules, config: SeminarsConfig, now: Date): Promise<SeminarSync> {
  return transact(async (tx) => {
    // Several processes may start at once (two `ouen web`): one syncs at a time, and the
    // next, once it holds the lock, sees what the first wrote (READ COMMITTED), so no
    // seminar is inserted twice. The seminars' rows are then locked in ascending order,
    // the order a batch of turns takes them in (seminar.server-module.ts `lockKey`).
    await tx.run`SELECT pg_advisory_xact_lock(hashtext('seminars:sync'))`;
    const sync: SeminarSync = { created: [], updated: [], refused: [], offers: [], queue: noQueueChanges() };
    for (const seminar of [...config.list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      const digest = configDigest(seminar);
      const before = await lockSeminar(tx, seminar.id);
      if (!before) {
        await insertSeminar(tx, seminar, digest, now);
        sync.created.push(seminar.id);
      } else if (await storedDigest(tx, seminar.id) !== digest) {
        await applyFileChange(tx, rules, seminar, digest, now, sync);
      }
      const [row] = await tx.rows<Pick<tables.Seminar, 'startsAt'>>`SELECT "startsAt" FROM "Seminar" WHERE "id" = ${seminar.id}`;
      sync.queue = mergeChanges(sync.queue, await planSeminarReminders(tx, rules, { id: seminar.id, startsAt: row!.startsAt }, now));
    }
    if (sync.created.length > 0) {
      await appendAudit(tx, sync.created.map((id) => ({ actor: 'system', action: 'seminar.created', entity: 'seminar', entityId: id, detail: { capacity: config.list.find((s) => s.id === id)!.capacity } })), now);
    }
    return sync;
  });
}

async function applyFileChange(tx: SqlClient, rules: SeminarRules, seminar: SeminarConfig, digest: string, now: Date, sync: SeminarSync): Promise<void> {
  const done = await changeSeminar(tx, rules, {
    seminarId: seminar.id, now, actor: 'system',
    change: { capacity: seminar.capacity, startsAt: new Date(seminar.startsAt), endsAt: new Date(seminar.endsAt), room: seminar.room },
  });
  if (done.outcome !== 'changed' && done.outcome !== 'unchanged') {
    // The digest stays: the next start tries again, once staff have made room for the change.
    sync.refused.push({ seminarId: seminar.id, reason: done.outcome });
    return;
  }
  await tx.run`UPDATE "Seminar" SET "configDigest" = ${digest} WHERE "id" = ${seminar.id}`;
  if (done.outcome === 'unchanged') return;
  sync.updated.push(seminar.id);
  sync.offers.push(...done.offers);
  sync.queue = mergeChanges(sync.queue, done.queue);
  await appendAudit(tx, done.audit, now);
}

async function insertSeminar(tx: SqlClient, seminar: SeminarConfig, digest: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await tx.run`
    INSERT INTO "Seminar" ("id", "capacity", "startsAt", "endsAt", "roomJa", "roomEn", "configDigest", "createdAt", "updatedAt")
    VALUES (${seminar.id}, ${seminar.capacity}::int, ${new Date(seminar.startsAt).toISOString()}::timestamptz AT TIME ZONE 'UTC',
            ${new Date(seminar.endsAt).toISOString()}::timestamptz AT TIME ZONE 'UTC', ${seminar.room.ja}, ${seminar.room.en}, ${digest},
            ${at}::timestamptz AT TIME ZONE 'UTC', ${at}::timestamptz AT TIME ZONE 'UTC')`;
}

async function storedDigest(tx: SqlClient, seminarId: string): Promise<string | undefined> {
  const [row] = await tx.rows<Pick<tables.Seminar, 'configDigest'>>`SELECT "configDigest" FROM "Seminar" WHERE "id" = ${seminarId}`;
  return row?.configDigest;
}

/** What of the file a sync applies: capacity, times (as instants) and room. */
export function configDigest(seminar: SeminarConfig): string {
  const values = [seminar.capacity, new Date(seminar.startsAt).toISOString(), new Date(seminar.endsAt).toISOString(), seminar.room.ja, seminar.room.en];
  return createHash('sha256').update(JSON.stringify(values)).digest('hex');
}
