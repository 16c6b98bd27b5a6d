/**
 * Seminar booking on real PostgreSQL: every outcome of booking and giving up, the
 * booking rule, overlaps, the cutoff and bad input — with what is stored checked.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { registerForEvent } from '../../core/events/register-for-event.ts';
import { syncEvent } from '../../core/events/sync-event.ts';
import { bookSeminar } from '../../core/seminars/book-seminar.ts';
import { cancelSeminarBooking } from '../../core/seminars/cancel-booking.ts';
import { loadLiveBookings } from '../../core/seminars/seminar-bookings.ts';
import type { SeminarRules } from '../../core/seminars/seminar-service-types.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventAnswers, newParticipant, REGISTRATION_OPEN, testEvent } from '../support/event-fixtures.ts';
import { audited, BEFORE_SEMINARS, rules, seminar, syncTestSeminars } from '../support/seminar-fixtures.ts';

const now = BEFORE_SEMINARS;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await syncTestSeminars(transactOn(db.sql), [
    seminar('morning', 2, '13:30', '14:20'), seminar('clash', 5, '14:00', '15:00'), seminar('after', 5, '14:20', '15:00'),
    seminar('none-yet', 0, '16:00', '17:00'), seminar('tiny', 1, '16:00', '17:00'), seminar('early', 5, '09:00', '09:50'),
  ]);
});

afterAll(async () => {
  await db?.drop();
});

const book = (seminarId: string, participantId: string, at = now, r: SeminarRules = rules()) =>
  audited(transactOn(db.sql), at, (tx) => bookSeminar(tx, r, { seminarId, participantId, now: at, actor: `line:${participantId}` }));
const cancel = (participantId: string, bookingId: string, at = now) =>
  audited(transactOn(db.sql), at, (tx) => cancelSeminarBooking(tx, rules(), { participantId, bookingId, now: at, actor: `line:${participantId}` }));
const person = () => newParticipant(db.prisma);
const held = async (id: string) => (await db.prisma.seminar.findUniqueOrThrow({ where: { id } })).heldCount;

describe('seminars.book', () => {
  it('books a free seat, counts it and writes the audit without personal data', async () => {
    const p = await person();
    const outcome = await book('morning', p);
    expect(outcome).toMatchObject({ outcome: 'booked' });
    expect(await held('morning')).toBe(1);
    const row = await db.prisma.seminarBooking.findFirstOrThrow({ where: { participantId: p } });
    expect(row).toMatchObject({ status: 'booked', seminarId: 'morning', endedAt: null, offerExpiresAt: null });
    const audit = await db.prisma.auditLog.findMany({ where: { entityId: row.id } });
    expect(audit.map((a) => a.action)).toEqual(['seminar.booked']);
  });

  it('answers a second booking (a double tap) with where the person stands, storing nothing new', async () => {
    const p = await person();
    const first = await book('after', p);
    expect(await book('after', p)).toMatchObject({ outcome: 'already', status: 'booked', bookingId: (first as { bookingId: string }).bookingId });
    expect(await db.prisma.seminarBooking.count({ where: { participantId: p } })).toBe(1);
  });

  it('refuses an overlapping seminar and names the one it overlaps; back-to-back is fine', async () => {
    const p = await person();
    expect((await book('morning', p)).outcome).toBe('booked');
    expect(await book('clash', p)).toMatchObject({ outcome: 'overlap', clash: { kind: 'seminar', seminarId: 'morning' }, audit: [] });
    expect((await book('after', p)).outcome).toBe('booked');
    expect(await db.prisma.seminarBooking.count({ where: { participantId: p, seminarId: 'clash' } })).toBe(0);
  });

  it('waitlists when full, with positions in join order, and waitlists everyone for a seminar with no seats yet', async () => {
    const [a, b, c] = [await person(), await person(), await person()];
    expect((await book('tiny', a)).outcome).toBe('booked');
    expect(await book('tiny', b)).toMatchObject({ outcome: 'waitlisted', position: 1, waitOnly: false });
    expect(await book('tiny', c)).toMatchObject({ outcome: 'waitlisted', position: 2 });
    // b only waits for `tiny`: a waitlist place does not clash with another seminar.
    expect(await book('none-yet', b)).toMatchObject({ outcome: 'waitlisted', position: 1, waitOnly: true });
    expect(await held('none-yet')).toBe(0);
  });

  it('refuses a seminar that has started, and one that does not exist', async () => {
    const p = await person();
    expect(await book('early', p, new Date('2027-01-23T09:00:00+09:00'))).toEqual({ outcome: 'past', audit: [] });
    expect(await book('no-such', p)).toEqual({ outcome: 'unknown', audit: [] });
    expect(await db.prisma.seminarBooking.count({ where: { participantId: p } })).toBe(0);
  });

  it('lets only registered attendees book under the default rule', async () => {
    await syncEvent(transactOn(db.sql), new Sealer(randomBytes(32)), testEvent('meetup', 10), REGISTRATION_OPEN);
    const registered = await person();
    const stranger = await person();
    await transactOn(db.sql)((tx) => registerForEvent(tx, new Sealer(randomBytes(32)), {
      eventId: 'meetup', participantId: registered, attendeeType: 'founder', answers: eventAnswers('千葉 花子'), now: REGISTRATION_OPEN, actor: 'test',
    }));
    const onlyRegistered = rules({ whoMayBook: 'registered' }, 'meetup');
    expect(await book('after', stranger, now, onlyRegistered)).toEqual({ outcome: 'notRegistered', audit: [] });
    expect((await book('after', registered, now, onlyRegistered)).outcome).toBe('booked');
  });

  it('throws on a malformed participant id, storing nothing', async () => {
    await expect(book('after', 'not-a-uuid')).rejects.toThrow();
  });
});

describe('seminars.cancel', () => {
  it('cancels a seat before the cutoff and frees it; a second tap is answered "already"', async () => {
    await syncTestSeminars(transactOn(db.sql), [seminar('cancel-me', 3, '10:00', '11:00')]);
    const p = await person();
    const booked = await book('cancel-me', p) as { bookingId: string };
    expect(await cancel(p, booked.bookingId)).toMatchObject({ outcome: 'cancelled', seminarId: 'cancel-me', offers: [] });
    expect(await held('cancel-me')).toBe(0);
    expect(await db.prisma.seminarBooking.findUniqueOrThrow({ where: { id: booked.bookingId } })).toMatchObject({ status: 'cancelled', endedAt: now });
    expect(await cancel(p, booked.bookingId)).toMatchObject({ outcome: 'already' });
    // Booking again after cancelling is a new booking.
    expect((await book('cancel-me', p)).outcome).toBe('booked');
  });

  it('refuses after the cutoff (3 hours before the start by default), keeping the seat', async () => {
    await syncTestSeminars(transactOn(db.sql), [seminar('late', 3, '12:00', '13:00')]);
    const p = await person();
    const booked = await book('late', p) as { bookingId: string };
    const late = new Date('2027-01-23T09:00:00+09:00');
    expect(await cancel(p, booked.bookingId, late)).toMatchObject({ outcome: 'tooLate', cutoffAt: late });
    expect(await cancel(p, booked.bookingId, new Date(late.getTime() - 1))).toMatchObject({ outcome: 'cancelled' });
  });

  it('answers someone else\'s id, a guessed id and a malformed id alike: notFound, nothing changed', async () => {
    await syncTestSeminars(transactOn(db.sql), [seminar('mine', 3, '10:00', '11:00')]);
    const [owner, other] = [await person(), await person()];
    const booked = await book('mine', owner) as { bookingId: string };
    expect(await cancel(other, booked.bookingId)).toMatchObject({ outcome: 'notFound' });
    expect(await cancel(other, randomUUID())).toMatchObject({ outcome: 'notFound' });
    expect(await cancel(other, "x' OR 1=1 --")).toMatchObject({ outcome: 'notFound' });
    expect(await db.prisma.seminarBooking.findUniqueOrThrow({ where: { id: booked.bookingId } })).toMatchObject({ status: 'booked' });
  });

  it('lets a person leave the waitlist, moving those after them up', async () => {
    await syncTestSeminars(transactOn(db.sql), [seminar('queue', 1, '10:00', '11:00')]);
    const [a, b, c] = [await person(), await person(), await person()];
    await book('queue', a);
    const second = await book('queue', b) as { bookingId: string };
    await book('queue', c);
    expect(await cancel(b, second.bookingId)).toMatchObject({ outcome: 'left', offers: [] });
    const facts = await loadLiveBookings(sqlClient(db.sql), [c]);
    expect(facts.get(c)).toEqual([expect.objectContaining({ seminarId: 'queue', status: 'waitlisted', position: 1 })]);
    expect(await held('queue')).toBe(1);
  });
});
