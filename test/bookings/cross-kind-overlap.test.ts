/**
 * A seminar seat and a booth consultation at the same time, on real PostgreSQL: each
 * kind's booking (and accepting a seminar offer, and moving a consultation) is refused
 * when the person holds the other kind at an overlapping time, naming it; back-to-back
 * times, a waitlist place and a cancelled booking do not clash. The built-in program:
 * seminar `funding` 13:30–14:20, booth slots from 13:30 (Tokyo), 23 Jan 2027.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameOtherBooking } from '../../core/bookings/name-other-booking.ts';
import { bookConsultation, type BookOutcome } from '../../core/consultations/book-consultation.ts';
import { cancelConsultation } from '../../core/consultations/cancel-consultation.ts';
import { moveConsultation } from '../../core/consultations/move-consultation.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { acceptSeminarOffer } from '../../core/seminars/accept-offer.ts';
import { bookSeminar } from '../../core/seminars/book-seminar.ts';
import { cancelSeminarBooking } from '../../core/seminars/cancel-booking.ts';
import { changeSeminar } from '../../core/seminars/change-seminar.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { BOOKING_TIME, event, registeredPerson, rules as boothRules, slotsOf, syncAll } from '../support/booth-fixtures.ts';
import { program } from '../support/flow-harness.ts';
import { audited, rules as seminarRules, seminar, syncTestSeminars } from '../support/seminar-fixtures.ts';

const sealer = new Sealer(randomBytes(32));
const now = BOOKING_TIME;
let db: TestDatabase;

const funding = slotsOf('funding');
const yorozu = slotsOf('yorozu');
const tax = slotsOf('tax-labour');

const transact = () => transactOn(db.sql);
const bookSlot = (participantId: string, slotId: string) => audited(transact(), now, (tx) =>
  bookConsultation(tx, sealer, { eventId: event.id, participantId, slotId, intake: '融資の相談', rules: boothRules, now, actor: 'test' }));
const moveTo = (participantId: string, consultationId: string, slotId: string) => audited(transact(), now, (tx) =>
  moveConsultation(tx, sealer, { eventId: event.id, participantId, consultationId, slotId, rules: boothRules, now, actor: 'test' }));
const cancelSlot = (participantId: string, consultationId: string) => audited(transact(), now, (tx) =>
  cancelConsultation(tx, { eventId: event.id, participantId, consultationId, rules: boothRules, now, actor: 'test' }));
const bookSeat = (participantId: string, seminarId: string) => audited(transact(), now, (tx) =>
  bookSeminar(tx, seminarRules(), { seminarId, participantId, now, actor: 'test' }));
const cancelSeat = (participantId: string, bookingId: string) => audited(transact(), now, async (tx) =>
  ({ ...await cancelSeminarBooking(tx, seminarRules(), { participantId, bookingId, now, actor: 'test' }) }));
const accept = (participantId: string, bookingId: string) => transact()((tx) =>
  acceptSeminarOffer(tx, seminarRules(), { participantId, bookingId, now, actor: 'test' }));
const person = () => registeredPerson(db.prisma, transact(), sealer);
const idOf = (o: object): string => ('consultationId' in o ? o.consultationId : (o as { bookingId: string }).bookingId) as string;

beforeAll(async () => {
  db = await createTestDatabase();
  await syncAll(db.sql, sealer);
  // The built-in seminars, plus one seat at 14:00–14:40 for the offer and a late talk whose time staff move.
  await syncTestSeminars(transact(), [...program.seminars!.list, seminar('one-seat', 1, '14:00', '14:40'), seminar('late-talk', 5, '16:00', '16:40')], now);
});

afterAll(async () => {
  await db?.drop();
});

describe('a seminar and a consultation at the same time', () => {
  it('refuses a seminar over a booked consultation and names the booth and time', async () => {
    const p = await person();
    const slot = funding[1]!; // 13:50–14:10, inside the seminar's 13:30–14:20
    const consultation = await bookSlot(p, slot.id);
    expect(consultation.outcome).toBe('booked');
    const refused = await bookSeat(p, 'funding');
    expect(refused).toMatchObject({ outcome: 'overlap', clash: { kind: 'consultation', consultationId: idOf(consultation), slotId: slot.id, boothId: 'funding' } });
    expect(nameOtherBooking((refused as { clash: Parameters<typeof nameOtherBooking>[0] }).clash, program)).toEqual({
      kind: 'consultation', name: program.booths!.booths.find((b) => b.id === 'funding')!.organisation, startsAt: slot.startsAt, endsAt: slot.endsAt,
    });
    expect(await db.prisma.seminarBooking.count({ where: { participantId: p } })).toBe(0);
    expect((await db.prisma.seminar.findUniqueOrThrow({ where: { id: 'funding' } })).heldCount).toBe(0);
  });

  it('refuses a consultation over a booked seminar and names the seminar; the place stays free', async () => {
    const p = await person();
    expect((await bookSeat(p, 'funding')).outcome).toBe('booked');
    const slot = yorozu[0]!; // 13:30–14:00
    const before = (await db.prisma.boothSlot.findUniqueOrThrow({ where: { id: slot.id } })).bookedCount;
    const refused = await bookSlot(p, slot.id);
    expect(refused).toMatchObject({ outcome: 'overlap', clash: { kind: 'seminar', seminarId: 'funding' } });
    expect(nameOtherBooking((refused as Extract<BookOutcome, { outcome: 'overlap' }>).clash, program)).toEqual({
      kind: 'seminar', name: program.seminars!.list.find((s) => s.id === 'funding')!.title,
      startsAt: '2027-01-23T04:30:00.000Z', endsAt: '2027-01-23T05:20:00.000Z',
    });
    expect((await db.prisma.boothSlot.findUniqueOrThrow({ where: { id: slot.id } })).bookedCount).toBe(before);
    expect(await db.prisma.consultation.count({ where: { participantId: p } })).toBe(0);
  });

  it('refuses moving a consultation onto a booked seminar\'s time, keeping the old booking', async () => {
    const p = await person();
    expect((await bookSeat(p, 'funding')).outcome).toBe('booked');
    const later = tax.find((s) => s.startsAt === '2027-01-23T05:40:00.000Z')!; // 14:40–15:00, after the seminar
    const held = await bookSlot(p, later.id);
    expect(held.outcome).toBe('booked');
    const refused = await moveTo(p, idOf(held), tax[0]!.id); // 14:00–14:20
    expect(refused).toMatchObject({ outcome: 'overlap', clash: { kind: 'seminar', seminarId: 'funding' } });
    expect(await db.prisma.consultation.findUniqueOrThrow({ where: { id: idOf(held) } })).toMatchObject({ status: 'booked', slotId: later.id });
  });

  it('refuses accepting an offered seat over a booked consultation; the offer stays open', async () => {
    const holder = await person();
    const seat = await bookSeat(holder, 'one-seat');
    expect(seat.outcome).toBe('booked');
    const waiting = await person();
    const wait = await bookSeat(waiting, 'one-seat');
    expect(wait.outcome).toBe('waitlisted');
    // A waitlist place holds no time: the consultation at 14:10–14:30 is booked.
    const consultation = await bookSlot(waiting, funding[2]!.id);
    expect(consultation.outcome).toBe('booked');
    await cancelSeat(holder, idOf(seat));
    expect(await db.prisma.seminarBooking.findUniqueOrThrow({ where: { id: idOf(wait) } })).toMatchObject({ status: 'offered' });
    expect(await accept(waiting, idOf(wait))).toMatchObject({ outcome: 'overlap', seminarId: 'one-seat', clash: { kind: 'consultation', slotId: funding[2]!.id } });
    expect(await db.prisma.seminarBooking.findUniqueOrThrow({ where: { id: idOf(wait) } })).toMatchObject({ status: 'offered' });
    // Once the consultation is cancelled, the same offer is accepted.
    expect((await cancelSlot(waiting, idOf(consultation))).outcome).toBe('cancelled');
    expect(await accept(waiting, idOf(wait))).toMatchObject({ outcome: 'booked' });
  });

  it('lets back-to-back times, and a cancelled booking\'s time, be booked', async () => {
    const p = await person();
    const after = yorozu.find((s) => s.startsAt === '2027-01-23T05:30:00.000Z')!; // 14:30, as the 13:30–14:20 seminar is over
    expect((await bookSeat(p, 'funding')).outcome).toBe('booked');
    const edge = tax[1]!; // 14:20–14:40: starts as the seminar ends
    expect((await bookSlot(p, edge.id)).outcome).toBe('booked');
    const q = await person();
    const consultation = await bookSlot(q, after.id);
    expect((await cancelSlot(q, idOf(consultation))).outcome).toBe('cancelled');
    expect((await bookSeat(q, 'marketing')).outcome).toBe('booked'); // 14:30–15:20, over the cancelled slot
  });

  it('refuses a staff time change that would put a booked seminar over a booked consultation, naming the booth; nothing changes', async () => {
    const p = await person();
    expect((await bookSeat(p, 'late-talk')).outcome).toBe('booked');
    expect((await bookSlot(p, tax[0]!.id)).outcome).toBe('booked'); // 14:00–14:20
    const moved = await transact()((tx) => changeSeminar(tx, seminarRules(), {
      seminarId: 'late-talk', change: { startsAt: new Date('2027-01-23T14:10:00+09:00'), endsAt: new Date('2027-01-23T14:50:00+09:00') }, now, actor: 'discord:staff',
    }));
    expect(moved).toEqual({ outcome: 'overlap', people: 1, conflicts: ['booth:tax-labour'] });
    expect((await db.prisma.seminar.findUniqueOrThrow({ where: { id: 'late-talk' } })).startsAt.toISOString()).toBe('2027-01-23T07:00:00.000Z');
  });
});
