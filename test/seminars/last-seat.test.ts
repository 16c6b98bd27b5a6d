/**
 * The invariant under load, on real PostgreSQL: 200 people book the last seat of a
 * seminar at once, each in a transaction of their own on a real pool (with the audit
 * entries the runtime appends). Exactly one gets it; the other 199 wait, numbered
 * 1 … 199 in join order with no gap or repeat; the counts are exact and no guard_ check
 * fires. Then freed seats are offered in join order.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { createSqlPool } from '../../core/db/sql-pool.ts';
import { bookSeminar, type BookOutcome } from '../../core/seminars/book-seminar.ts';
import { cancelSeminarBooking } from '../../core/seminars/cancel-booking.ts';
import { seminarCounts } from '../../core/seminars/seminar-counts.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { newParticipant } from '../support/event-fixtures.ts';
import { audited, BEFORE_SEMINARS, rules, seminar, syncTestSeminars } from '../support/seminar-fixtures.ts';

const now = BEFORE_SEMINARS;
const SEMINAR = 'last-seat';
const CAPACITY = 5;
const CONTENDERS = 200;
/** Enough connections for real contention, within a shared test server's limits. */
const POOL_SIZE = 16;

let db: TestDatabase;
let pool: pg.Pool;
let early: string[];
let contenders: string[];
let outcomes: BookOutcome[];

const book = (participantId: string) => audited(transactOn(pool), now, (tx) =>
  bookSeminar(tx, rules(), { seminarId: SEMINAR, participantId, now, actor: `line:${participantId}` }));

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createSqlPool(db.connectionString, POOL_SIZE);
  await syncTestSeminars(transactOn(pool), [seminar(SEMINAR, CAPACITY)]);
  early = await Promise.all(Array.from({ length: CAPACITY - 1 }, () => newParticipant(db.prisma)));
  for (const person of early) expect((await book(person)).outcome).toBe('booked');
  contenders = await Promise.all(Array.from({ length: CONTENDERS }, () => newParticipant(db.prisma)));
  outcomes = await Promise.all(contenders.map(book));
}, 120_000);

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function queue() {
  return db.prisma.seminarBooking.findMany({ where: { seminarId: SEMINAR, participantId: { in: contenders } }, orderBy: { joinOrder: 'asc' } });
}

describe('200 bookings at once for the last seat', () => {
  it('books exactly one and waitlists the other 199', () => {
    expect(outcomes.filter((o) => o.outcome === 'booked')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'waitlisted')).toHaveLength(CONTENDERS - 1);
  });

  it('numbers the waitlist 1 … 199 in join order, as each person was told', async () => {
    const told = new Map(outcomes.map((o) => [(o as { bookingId: string }).bookingId, o]));
    const waiting = (await queue()).filter((row) => row.status === 'waitlisted');
    expect(waiting.map((row) => (told.get(row.id) as { position: number }).position)).toEqual(Array.from({ length: CONTENDERS - 1 }, (_, i) => i + 1));
  });

  it('gives the seat to whoever joined first, and counts exactly', async () => {
    const [first] = await queue();
    expect(first!.status).toBe('booked');
    expect(await seminarCounts(sqlClient(pool))).toEqual([{ id: SEMINAR, capacity: CAPACITY, booked: CAPACITY, waitlisted: CONTENDERS - 1 }]);
    const row = await db.prisma.seminar.findUniqueOrThrow({ where: { id: SEMINAR } });
    expect(row.heldCount).toBe(await db.prisma.seminarBooking.count({ where: { seminarId: SEMINAR, status: { in: ['booked', 'offered'] } } }));
  });

  it('offers seats freed by three cancellations at once to the first three waiting, in join order', async () => {
    const waitingBefore = (await queue()).filter((row) => row.status === 'waitlisted').map((row) => row.participantId);
    const bookings = await db.prisma.seminarBooking.findMany({ where: { seminarId: SEMINAR, participantId: { in: early.slice(0, 3) } } });
    const cancelled = await Promise.all(bookings.map((b) => audited(transactOn(pool), now, (tx) =>
      cancelSeminarBooking(tx, rules(), { participantId: b.participantId, bookingId: b.id, now, actor: `line:${b.participantId}` }))));
    expect(cancelled.map((c) => c.outcome)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(new Set(cancelled.flatMap((c) => c.offers.map((o) => o.participantId)))).toEqual(new Set(waitingBefore.slice(0, 3)));
    const rows = await queue();
    expect(rows.filter((r) => r.status === 'offered').map((r) => r.participantId)).toEqual(waitingBefore.slice(0, 3));
    expect(rows.filter((r) => r.status === 'waitlisted').map((r) => r.participantId)).toEqual(waitingBefore.slice(3));
    const row = await db.prisma.seminar.findUniqueOrThrow({ where: { id: SEMINAR } });
    expect(row.heldCount).toBe(CAPACITY);
  });
});
