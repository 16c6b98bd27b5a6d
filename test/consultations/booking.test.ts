/**
 * Booth consultations on real PostgreSQL: booking, the refusals (not registered, past,
 * inside the minimum notice, full, overlapping another booking, over the limit, a double
 * tap, a guessed slot), cancelling until the cutoff, moving without ever holding neither,
 * someone else's booking id, the sealed intake, and the counters against the rows.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../core/audit/audit-log.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { bookConsultation, type BookOutcome } from '../../core/consultations/book-consultation.ts';
import { cancelConsultation } from '../../core/consultations/cancel-consultation.ts';
import { intakeContext } from '../../core/consultations/consultation-types.ts';
import { moveConsultation } from '../../core/consultations/move-consultation.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { newParticipant } from '../support/event-fixtures.ts';
import { BOOKING_TIME, event, registeredPerson, rules, slotsOf, syncAll } from '../support/booth-fixtures.ts';

const sealer = new Sealer(randomBytes(32));
const now = BOOKING_TIME;
let db: TestDatabase;

const tx = <T>(work: Parameters<ReturnType<typeof transactOn>>[0]) => transactOn(db.sql)(work) as Promise<T>;
const book = (participantId: string, slotId: string, intake = '資金調達について相談したい', at = now) => tx<BookOutcome>(async (t) => {
  const outcome = await bookConsultation(t, sealer, { eventId: event.id, participantId, slotId, intake, rules, now: at, actor: `line:${participantId}` });
  await appendAudit(t, outcome.audit, at);
  return outcome;
});
const cancel = (participantId: string, consultationId: string, at = now) =>
  tx<Awaited<ReturnType<typeof cancelConsultation>>>((t) => cancelConsultation(t, { eventId: event.id, participantId, consultationId, rules, now: at, actor: 'test' }));
const move = (participantId: string, consultationId: string, slotId: string, at = now) =>
  tx<Awaited<ReturnType<typeof moveConsultation>>>((t) => moveConsultation(t, sealer, { eventId: event.id, participantId, consultationId, slotId, rules, now: at, actor: 'test' }));
const person = () => registeredPerson(db.prisma, transactOn(db.sql), sealer);
const slotRow = (id: string) => db.prisma.boothSlot.findUniqueOrThrow({ where: { id } });
const idOf = (o: BookOutcome) => (o as { consultationId: string }).consultationId;

const funding = slotsOf('funding');
const yorozu = slotsOf('yorozu');
const tax = slotsOf('tax-labour');

beforeAll(async () => {
  db = await createTestDatabase();
  await syncAll(db.sql, sealer);
});

afterAll(async () => {
  await db?.drop();
});

describe('booking a consultation', () => {
  it('books a free slot, seals the intake with any Individual Number cut out, and counts the place', async () => {
    const p = await person();
    const outcome = await book(p, funding[0]!.id, '資金調達 1234-5678-9018 について');
    expect(outcome).toMatchObject({ outcome: 'booked', slotId: funding[0]!.id });
    const row = await db.prisma.consultation.findUniqueOrThrow({ where: { id: idOf(outcome) } });
    expect(row.status).toBe('booked');
    expect(row.intakeSealed).not.toContain('資金調達');
    const intake = sealer.open(row.intakeSealed, intakeContext(row.id));
    expect(intake).toContain('資金調達');
    expect(intake).not.toMatch(/1234.?5678.?9018/);
    expect((await slotRow(funding[0]!.id)).bookedCount).toBe(1);
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'consultation.booked', entityId: row.id } });
    expect(JSON.stringify(audit.detail)).not.toContain('資金調達');
  });

  it('answers a double tap with the booking already held, and books nothing twice', async () => {
    const p = await person();
    const first = await book(p, tax[0]!.id);
    const second = await book(p, tax[0]!.id);
    expect(second).toEqual({ outcome: 'already', consultationId: idOf(first), slotId: tax[0]!.id, audit: [] });
    expect((await slotRow(tax[0]!.id)).bookedCount).toBe(1);
  });

  it('refuses a full slot, and someone not registered for the event', async () => {
    const other = await person();
    expect((await book(other, tax[0]!.id)).outcome).toBe('full');
    const stranger = await newParticipant(db.prisma);
    expect((await book(stranger, tax[1]!.id)).outcome).toBe('notEligible');
    expect((await slotRow(tax[1]!.id)).bookedCount).toBe(0);
  });

  it('refuses a past slot, one inside the minimum notice, and a guessed or malformed slot id', async () => {
    const p = await person();
    const slot = funding[2]!;
    expect((await book(p, slot.id, 'x', new Date(Date.parse(slot.startsAt) + 60_000))).outcome).toBe('past');
    expect((await book(p, slot.id, 'x', new Date(Date.parse(slot.startsAt) - 10 * 60_000))).outcome).toBe('tooSoon');
    expect((await book(p, 'funding@20270123T0000', 'x')).outcome).toBe('unknownSlot');
    expect((await book(p, "'; DROP TABLE x; --", 'x')).outcome).toBe('unknownSlot');
    expect(await db.prisma.consultation.count({ where: { participantId: p } })).toBe(0);
  });

  it('refuses a slot overlapping another of the person\'s bookings and names it', async () => {
    const p = await person();
    // yorozu 13:30–14:00 overlaps funding 13:50–14:10.
    expect((await book(p, yorozu[0]!.id)).outcome).toBe('booked');
    expect(await book(p, funding[1]!.id)).toMatchObject({ outcome: 'overlap', clash: { kind: 'consultation', slotId: yorozu[0]!.id, boothId: 'yorozu' }, audit: [] });
  });

  it('refuses a booking over the per-person limit', async () => {
    const p = await person();
    expect((await book(p, yorozu[2]!.id)).outcome).toBe('booked');
    expect((await book(p, yorozu[4]!.id)).outcome).toBe('booked');
    expect(await book(p, yorozu[6]!.id)).toEqual({ outcome: 'limit', limit: 2, audit: [] });
  });
});

describe('cancelling', () => {
  it('cancels until the cutoff and frees the place; then the booking is closed', async () => {
    const p = await person();
    const booked = await book(p, funding[3]!.id);
    expect((await cancel(p, idOf(booked))).outcome).toBe('cancelled');
    expect((await slotRow(funding[3]!.id)).bookedCount).toBe(0);
    expect((await cancel(p, idOf(booked))).outcome).toBe('closed');
  });

  it('refuses after the cutoff, someone else\'s id and a guessed id alike', async () => {
    const p = await person();
    const booked = await book(p, funding[4]!.id);
    const late = new Date(Date.parse(funding[4]!.startsAt) - 30 * 60_000);
    expect((await cancel(p, idOf(booked), late)).outcome).toBe('cutoff');
    const other = await person();
    expect((await cancel(other, idOf(booked))).outcome).toBe('notFound');
    expect((await cancel(p, randomUUID())).outcome).toBe('notFound');
    expect((await cancel(p, 'not-a-uuid')).outcome).toBe('notFound');
    expect((await slotRow(funding[4]!.id)).bookedCount).toBe(1);
  });
});

describe('moving', () => {
  it('moves in one step: the old booking points at the new, the places follow, the intake stays', async () => {
    const p = await person();
    const booked = await book(p, funding[5]!.id, '事業計画の相談');
    const moved = await move(p, idOf(booked), funding[6]!.id);
    expect(moved).toMatchObject({ outcome: 'moved', slotId: funding[6]!.id });
    const newId = (moved as { consultationId: string }).consultationId;
    const old = await db.prisma.consultation.findUniqueOrThrow({ where: { id: idOf(booked) } });
    expect(old).toMatchObject({ status: 'moved', movedToId: newId });
    const fresh = await db.prisma.consultation.findUniqueOrThrow({ where: { id: newId } });
    expect(fresh.status).toBe('booked');
    expect(sealer.open(fresh.intakeSealed, intakeContext(newId))).toBe('事業計画の相談');
    expect((await slotRow(funding[5]!.id)).bookedCount).toBe(0);
    expect((await slotRow(funding[6]!.id)).bookedCount).toBe(1);
    expect((await move(p, idOf(booked), funding[7]!.id)).outcome).toBe('closed');
  });

  it('keeps the old booking when the new slot is taken, overlaps, is the same, or is past the cutoff', async () => {
    const p = await person();
    const other = await person();
    const booked = await book(p, tax[3]!.id);
    await book(other, tax[4]!.id);
    expect((await move(p, idOf(booked), tax[4]!.id)).outcome).toBe('full');
    expect((await move(p, idOf(booked), tax[3]!.id)).outcome).toBe('same');
    const mine = await book(p, yorozu[6]!.id);
    expect(mine.outcome).toBe('booked');
    // tax-labour 16:40–17:00 overlaps yorozu 16:30–17:00.
    expect(await move(p, idOf(booked), tax[8]!.id)).toMatchObject({ outcome: 'overlap', clash: { kind: 'consultation', slotId: yorozu[6]!.id }, audit: [] });
    const late = new Date(Date.parse(tax[3]!.startsAt) - 59 * 60_000);
    expect((await move(p, idOf(booked), tax[5]!.id, late)).outcome).toBe('cutoff');
    expect((await move(other, idOf(booked), tax[5]!.id)).outcome).toBe('notFound');
    const row = await db.prisma.consultation.findUniqueOrThrow({ where: { id: idOf(booked) } });
    expect(row.status).toBe('booked');
    expect((await slotRow(tax[3]!.id)).bookedCount).toBe(1);
  });

  it('keeps every slot counter equal to the bookings holding it', async () => {
    const slots = await db.prisma.boothSlot.findMany({ include: { consultations: true } });
    for (const slot of slots) {
      expect(slot.bookedCount, slot.id).toBe(slot.consultations.filter((c) => c.status === 'booked' || c.status === 'noShow').length);
    }
  });
});

describe('the database behind the services', () => {
  it('refuses a second live booking of one person in one slot, an overlap, and a counter over capacity', async () => {
    const p = await person();
    const booked = await book(p, funding[8]!.id);
    const row = await db.prisma.consultation.findUniqueOrThrow({ where: { id: idOf(booked) } });
    const copy = { ...row, id: randomUUID() };
    await expect(db.prisma.consultation.create({ data: copy })).rejects.toThrow(/guard_one_consultation_per_slot|guard_consultation_no_overlap/);
    await expect(db.sql.query(`UPDATE "BoothSlot" SET "bookedCount" = "capacity" + 1 WHERE "id" = $1`, [funding[8]!.id])).rejects.toThrow(/guard_booth_slot_places/);
    const overlapping = { ...row, id: randomUUID(), slotId: yorozu[3]!.id, boothId: 'yorozu', startsAt: new Date(Date.parse(row.startsAt.toISOString()) + 5 * 60_000) };
    await expect(db.prisma.consultation.create({ data: overlapping })).rejects.toThrow(/guard_consultation_no_overlap/);
  });
});
