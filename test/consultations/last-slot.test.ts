/**
 * The invariants under load, on real PostgreSQL, each request in a transaction of its own
 * on a real pool: 100 people book the last place of a slot at once (exactly one wins, the
 * rest are told `full`, the counter is exact); people holding bookings move at once into
 * the same last place (one moves, everyone else keeps their old booking); one person
 * fires many bookings at once (never over their limit, never overlapping); and people
 * swap slots in opposite directions at once without a deadlock.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../core/audit/audit-log.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { createSqlPool } from '../../core/db/sql-pool.ts';
import { bookConsultation, type BookOutcome } from '../../core/consultations/book-consultation.ts';
import { moveConsultation, type MoveOutcome } from '../../core/consultations/move-consultation.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { BOOKING_TIME, event, registeredPerson, rules, slotsOf, syncAll } from '../support/booth-fixtures.ts';

const sealer = new Sealer(randomBytes(32));
const now = BOOKING_TIME;
const CONTENDERS = 100;
const POOL_SIZE = 16;

let db: TestDatabase;
let pool: pg.Pool;

const book = (participantId: string, slotId: string) => transactOn(pool)(async (tx) => {
  const outcome = await bookConsultation(tx, sealer, { eventId: event.id, participantId, slotId, intake: '相談', rules, now, actor: `line:${participantId}` });
  await appendAudit(tx, outcome.audit, now);
  return outcome;
}) as Promise<BookOutcome>;
const move = (participantId: string, consultationId: string, slotId: string) => transactOn(pool)(async (tx) => {
  const outcome = await moveConsultation(tx, sealer, { eventId: event.id, participantId, consultationId, slotId, rules, now, actor: `line:${participantId}` });
  await appendAudit(tx, outcome.audit, now);
  return outcome;
}) as Promise<MoveOutcome>;
const people = (n: number) => Promise.all(Array.from({ length: n }, () => registeredPerson(db.prisma, transactOn(pool), sealer)));
const idOf = (o: BookOutcome | MoveOutcome) => (o as { consultationId: string }).consultationId;

async function expectCountersExact(): Promise<void> {
  const slots = await db.prisma.boothSlot.findMany({ include: { consultations: true } });
  for (const slot of slots) {
    const held = slot.consultations.filter((c) => c.status === 'booked' || c.status === 'noShow').length;
    expect(slot.bookedCount, slot.id).toBe(held);
    expect(held, slot.id).toBeLessThanOrEqual(slot.capacity);
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createSqlPool(db.connectionString, POOL_SIZE);
  await syncAll(pool, sealer);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('many bookings at once for the last place of a slot', () => {
  it('gives it to exactly one; everyone else is told full; the counter is exact', async () => {
    // yorozu takes two per slot: one place taken first, one left.
    const slot = slotsOf('yorozu')[1]!;
    const [early] = await people(1);
    expect((await book(early!, slot.id)).outcome).toBe('booked');
    const contenders = await people(CONTENDERS);
    const outcomes = await Promise.all(contenders.map((p) => book(p, slot.id)));
    expect(outcomes.filter((o) => o.outcome === 'booked')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'full')).toHaveLength(CONTENDERS - 1);
    const row = await db.prisma.boothSlot.findUniqueOrThrow({ where: { id: slot.id } });
    expect(row.bookedCount).toBe(2);
    expect(await db.prisma.consultation.count({ where: { slotId: slot.id, status: 'booked' } })).toBe(2);
    await expectCountersExact();
  }, 60_000);
});

describe('moves at once into the same last place', () => {
  it('moves exactly one; every other person keeps the booking they had', async () => {
    const target = slotsOf('funding')[0]!;
    const from = slotsOf('funding').slice(1, 9);
    const movers = await people(from.length);
    const booked = await Promise.all(movers.map((p, i) => book(p, from[i]!.id)));
    expect(booked.every((o) => o.outcome === 'booked')).toBe(true);
    const outcomes = await Promise.all(movers.map((p, i) => move(p, idOf(booked[i]!), target.id)));
    expect(outcomes.filter((o) => o.outcome === 'moved')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'full')).toHaveLength(from.length - 1);
    for (const [i, outcome] of outcomes.entries()) {
      const live = await db.prisma.consultation.findMany({ where: { participantId: movers[i]!, status: 'booked' } });
      // Never neither, never both.
      expect(live).toHaveLength(1);
      expect(live[0]!.slotId).toBe(outcome.outcome === 'moved' ? target.id : from[i]!.id);
    }
    await expectCountersExact();
  }, 60_000);

  it('swaps in opposite directions at once without a deadlock', async () => {
    const slots = slotsOf('tax-labour');
    const [a, b] = await people(2);
    const first = await book(a!, slots[0]!.id);
    const second = await book(b!, slots[1]!.id);
    // Each wants the other's slot; both are full, so both are refused and both keep theirs.
    const outcomes = await Promise.all([move(a!, idOf(first), slots[1]!.id), move(b!, idOf(second), slots[0]!.id)]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['full', 'full']);
    const freeOnes = await Promise.all([move(a!, idOf(first), slots[2]!.id), move(b!, idOf(second), slots[3]!.id)]);
    expect(freeOnes.map((o) => o.outcome)).toEqual(['moved', 'moved']);
    await expectCountersExact();
  }, 60_000);
});

describe('one person firing many bookings at once', () => {
  it('never holds more than the limit nor two overlapping ones', async () => {
    const [p] = await people(1);
    const targets = [...slotsOf('tax-labour').slice(4, 8), ...slotsOf('funding').slice(9, 12)];
    const outcomes = await Promise.all(targets.map((slot) => book(p!, slot.id)));
    expect(outcomes.filter((o) => o.outcome === 'booked')).toHaveLength(rules.perPersonLimit);
    const live = await db.prisma.consultation.findMany({ where: { participantId: p!, status: 'booked' }, orderBy: { startsAt: 'asc' } });
    expect(live).toHaveLength(rules.perPersonLimit);
    expect(live[0]!.endsAt.getTime()).toBeLessThanOrEqual(live[1]!.startsAt.getTime());
    await expectCountersExact();
  }, 60_000);
});
