/**
 * The "my bookings" facts on real PostgreSQL: for a batch of people, in one statement,
 * each one's place at the event with a ticket that verifies (or their waitlist place),
 * their live seminar bookings with positions and offers, and their booked consultations;
 * nothing cancelled, nobody else's.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMyBookings } from '../../core/bookings/my-bookings-facts.ts';
import { bookConsultation } from '../../core/consultations/book-consultation.ts';
import { cancelConsultation } from '../../core/consultations/cancel-consultation.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import type { SqlClient } from '../../core/db/types.ts';
import { registerForEvent } from '../../core/events/register-for-event.ts';
import { syncEvent } from '../../core/events/sync-event.ts';
import { verifyTicketToken } from '../../core/events/ticket-token.ts';
import { bookSeminar } from '../../core/seminars/book-seminar.ts';
import { cancelSeminarBooking } from '../../core/seminars/cancel-booking.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { BOOKING_TIME, event, registeredPerson, rules as boothRules, slotsOf, syncAll } from '../support/booth-fixtures.ts';
import { eventAnswers, newParticipant, REGISTRATION_OPEN, testEvent } from '../support/event-fixtures.ts';
import { audited, rules as seminarRules, seminar, syncTestSeminars } from '../support/seminar-fixtures.ts';

const sealer = new Sealer(randomBytes(32));
const now = BOOKING_TIME;
let db: TestDatabase;

const transact = () => transactOn(db.sql);
const bookSlot = (participantId: string, slotId: string) => audited(transact(), now, (tx) =>
  bookConsultation(tx, sealer, { eventId: event.id, participantId, slotId, intake: '販路の相談', rules: boothRules, now, actor: 'test' }));
const bookSeat = (participantId: string, seminarId: string) => audited(transact(), now, (tx) =>
  bookSeminar(tx, seminarRules(), { seminarId, participantId, now, actor: 'test' }));
const idOf = (o: object): string => ('consultationId' in o ? o.consultationId : (o as { bookingId: string }).bookingId) as string;

/** Counts the statements a load makes. */
function counting(client: SqlClient): { db: SqlClient; statements: () => number } {
  let n = 0;
  return {
    db: { rows: (q, ...v) => { n += 1; return client.rows(q, ...v); }, run: (q, ...v) => { n += 1; return client.run(q, ...v); } },
    statements: () => n,
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await syncAll(db.sql, sealer);
  await syncTestSeminars(transact(), [seminar('sa', 1, '10:00', '11:00'), seminar('sb', 5, '11:00', '12:00')], now);
});

afterAll(async () => {
  await db?.drop();
});

describe('loadMyBookings', () => {
  it('reads a batch of people in one statement: ticket, seminars with positions and offers, consultations', async () => {
    const p = await registeredPerson(db.prisma, transact(), sealer);
    const q = await registeredPerson(db.prisma, transact(), sealer);
    const stranger = await newParticipant(db.prisma);
    const seatA = await bookSeat(q, 'sa');
    const waitA = await bookSeat(p, 'sa');
    const seatB = await bookSeat(p, 'sb');
    const slot = slotsOf('yorozu')[3]!;
    const kept = await bookSlot(p, slot.id);
    const gone = await bookSlot(p, slotsOf('funding')[8]!.id);
    await transact()((tx) => cancelConsultation(tx, { eventId: event.id, participantId: p, consultationId: idOf(gone), rules: boothRules, now, actor: 'test' }));

    const counted = counting(sqlClient(db.sql));
    const factsOf = await loadMyBookings(counted.db, { eventId: event.id, sealer, publicUrl: 'https://ouen.example' }, [p, q, stranger]);
    expect(counted.statements()).toBe(1);

    const mine = factsOf(p);
    expect(mine.registration).toMatchObject({ status: 'registered', attendeeType: 'founder' });
    expect(mine.registration!.ticket!.imageUrl).toBe(`https://ouen.example/tickets/${mine.registration!.ticket!.token}.png`);
    expect(await verifyTicketToken(sqlClient(db.sql), sealer, mine.registration!.ticket!.token)).toMatchObject({ valid: true, registrationId: mine.registration!.registrationId });
    expect(mine.seminars.bookings).toEqual(expect.arrayContaining([
      { bookingId: idOf(waitA), seminarId: 'sa', status: 'waitlisted', position: 1 },
      { bookingId: idOf(seatB), seminarId: 'sb', status: 'booked' },
    ]));
    expect(mine.seminars.states.map((s) => [s.id, s.capacity, s.held, s.waiting])).toEqual([['sa', 1, 1, 1], ['sb', 5, 1, 0]]);
    expect(mine.consultations).toEqual([{ consultationId: idOf(kept), slotId: slot.id, boothId: 'yorozu', startsAt: slot.startsAt, endsAt: slot.endsAt, status: 'booked' }]);

    // q gives the seat up: p is offered it, with the hold.
    await audited(transact(), now, async (tx) => ({ ...await cancelSeminarBooking(tx, seminarRules(), { participantId: q, bookingId: idOf(seatA), now, actor: 'test' }) }));
    const after = await loadMyBookings(sqlClient(db.sql), { eventId: event.id, sealer }, [p, q]);
    expect(after(p).seminars.bookings.find((b) => b.seminarId === 'sa')).toMatchObject({ status: 'offered', offerExpiresAt: expect.any(String) });
    expect(after(q).seminars.bookings).toEqual([]);
    expect(factsOf(stranger)).toEqual({ registration: null, seminars: { bookings: [], states: [] }, consultations: [] });
  });

  it('shows a waitlist place at the event with its position, and no ticket', async () => {
    const small = testEvent('small-event', 1);
    await syncEvent(transact(), sealer, small, REGISTRATION_OPEN);
    const register = async () => {
      const id = await newParticipant(db.prisma);
      await transact()((tx) => registerForEvent(tx, sealer, { eventId: small.id, participantId: id, attendeeType: 'founder', answers: eventAnswers('待ち 太郎'), now: REGISTRATION_OPEN, actor: 'test' }));
      return id;
    };
    const first = await register();
    const second = await register();
    const factsOf = await loadMyBookings(sqlClient(db.sql), { eventId: small.id, sealer }, [first, second]);
    expect(factsOf(first).registration).toMatchObject({ status: 'registered', ticket: expect.any(Object) });
    expect(factsOf(second).registration).toEqual({ registrationId: expect.any(String), status: 'waitlisted', position: 1, attendeeType: 'founder' });
  });
});
