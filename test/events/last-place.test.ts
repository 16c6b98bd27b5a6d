/**
 * The invariant under load, on real PostgreSQL: 200 people register at once for the last
 * place, each in a transaction of their own on a real pool (with the audit entries the
 * runtime appends). Exactly one gets it; the other 199 wait, numbered 1 … 199 in join
 * order with no gap or repeat; the counts are exact and no guard_ check ever fires.
 * Then cancellations pass places on in join order.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../core/audit/audit-log.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { createSqlPool } from '../../core/db/sql-pool.ts';
import { cancelEventRegistration } from '../../core/events/cancel-registration.ts';
import { eventCounts } from '../../core/events/event-counts.ts';
import { loadEventRegistrations } from '../../core/events/event-registrations.ts';
import { registerForEvent, type RegisterOutcome } from '../../core/events/register-for-event.ts';
import { syncEvent } from '../../core/events/sync-event.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventAnswers, newParticipant, REGISTRATION_OPEN, testEvent } from '../support/event-fixtures.ts';

const sealer = new Sealer(randomBytes(32));
const now = REGISTRATION_OPEN;
const EVENT = 'last-place';
const CAPACITY = 5;
const CONTENDERS = 200;
/** Enough connections for real contention, within a shared test server's limits. */
const POOL_SIZE = 16;

let db: TestDatabase;
let pool: pg.Pool;
let early: string[];
let contenders: string[];
let outcomes: RegisterOutcome[];

const register = (participantId: string) => transactOn(pool)(async (tx) => {
  const outcome = await registerForEvent(tx, sealer, {
    eventId: EVENT, participantId, attendeeType: 'aspiring-founder', answers: eventAnswers('参加 希望'), now, actor: `line:${participantId}`,
  });
  await appendAudit(tx, outcome.audit, now);
  return outcome;
});

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createSqlPool(db.connectionString, POOL_SIZE);
  await syncEvent(transactOn(pool), sealer, testEvent(EVENT, CAPACITY), now);
  early = await Promise.all(Array.from({ length: CAPACITY - 1 }, () => newParticipant(db.prisma)));
  for (const person of early) expect((await register(person)).outcome).toBe('registered');
  contenders = await Promise.all(Array.from({ length: CONTENDERS }, () => newParticipant(db.prisma)));
  outcomes = await Promise.all(contenders.map(register));
}, 120_000);

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** The contenders' rows in join order. */
async function queue() {
  return db.prisma.eventRegistration.findMany({ where: { eventId: EVENT, participantId: { in: contenders } }, orderBy: { joinOrder: 'asc' } });
}

describe('200 registrations at once for the last place', () => {
  it('registers exactly one and waitlists the other 199', () => {
    expect(outcomes.filter((o) => o.outcome === 'registered')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'waitlisted')).toHaveLength(CONTENDERS - 1);
  });

  it('numbers the waitlist 1 … 199 in join order, as each person was told', async () => {
    const told = new Map(outcomes.map((o) => [(o as { registrationId: string }).registrationId, o]));
    const waiting = (await queue()).filter((row) => row.status === 'waitlisted');
    expect(waiting.map((row) => (told.get(row.id) as { position: number }).position)).toEqual(Array.from({ length: CONTENDERS - 1 }, (_, i) => i + 1));
    const facts = await loadEventRegistrations(sqlClient(pool), sealer, EVENT, waiting.map((row) => row.participantId));
    expect(waiting.map((row) => facts.get(row.participantId)!.position)).toEqual(Array.from({ length: CONTENDERS - 1 }, (_, i) => i + 1));
  });

  it('gives the place to whoever joined first, and counts exactly', async () => {
    const [first] = await queue();
    expect(first!.status).toBe('registered');
    expect(await eventCounts(sqlClient(pool), EVENT)).toEqual({
      capacity: CAPACITY, registered: CAPACITY, waitlisted: CONTENDERS - 1, cancelled: 0,
      byAttendeeType: { 'aspiring-founder': { registered: CAPACITY, waitlisted: CONTENDERS - 1, cancelled: 0 } },
    });
    const event = await db.prisma.event.findUniqueOrThrow({ where: { id: EVENT } });
    expect(event.registeredCount).toBe(await db.prisma.eventRegistration.count({ where: { eventId: EVENT, status: 'registered' } }));
  });

  it('passes cancelled places to the people waiting in join order, several cancelling at once', async () => {
    const waitingBefore = (await queue()).filter((row) => row.status === 'waitlisted').map((row) => row.participantId);
    const registered = await loadEventRegistrations(sqlClient(pool), sealer, EVENT, early.slice(0, 3));
    const cancellations = await Promise.all(early.slice(0, 3).map((participantId) => transactOn(pool)(async (tx) => {
      const outcome = await cancelEventRegistration(tx, sealer, {
        eventId: EVENT, participantId, registrationId: registered.get(participantId)!.registrationId, now, actor: `line:${participantId}`,
      });
      await appendAudit(tx, outcome.audit, now);
      return outcome;
    })));
    const promoted = cancellations.map((c) => (c as { promoted?: { participantId: string } }).promoted?.participantId);
    expect(new Set(promoted)).toEqual(new Set(waitingBefore.slice(0, 3)));
    const stillWaiting = (await queue()).filter((row) => row.status === 'waitlisted');
    expect(stillWaiting.map((row) => row.participantId)).toEqual(waitingBefore.slice(3));
    const facts = await loadEventRegistrations(sqlClient(pool), sealer, EVENT, stillWaiting.map((row) => row.participantId));
    expect(stillWaiting.map((row) => facts.get(row.participantId)!.position)).toEqual(Array.from({ length: CONTENDERS - 4 }, (_, i) => i + 1));
    expect(await eventCounts(sqlClient(pool), EVENT)).toMatchObject({ capacity: CAPACITY, registered: CAPACITY, waitlisted: CONTENDERS - 4, cancelled: 3 });
  });
});
