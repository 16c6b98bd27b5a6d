/**
 * Freed seats on real PostgreSQL: offered to the people waiting in join order with a
 * hold and an expiry schedule; accepted, declined, or run out — by the worker's schedule
 * or found out at the tap — each moving the seat on; and the reminders, whose audience is
 * read when they fire.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sealer } from '../../core/crypto/sealer.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { moduleReminders } from '../../core/modules/module-reminders.ts';
import type { Program } from '../../core/program/load-program.ts';
import { fireSchedule } from '../../core/schedules/fire-schedule.ts';
import { acceptSeminarOffer } from '../../core/seminars/accept-offer.ts';
import { bookSeminar } from '../../core/seminars/book-seminar.ts';
import { cancelSeminarBooking } from '../../core/seminars/cancel-booking.ts';
import { offerExpiryKey, SEMINAR_DAY_BEFORE } from '../../core/seminars/seminar-reminder-ids.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { program as builtIn } from '../support/flow-harness.ts';
import { newParticipant } from '../support/event-fixtures.ts';
import { audited, BEFORE_SEMINARS, rules, seminar, seminarsConfig, syncTestSeminars } from '../support/seminar-fixtures.ts';

const now = BEFORE_SEMINARS;
const HOUR = 3_600_000;
const sealer = new Sealer(randomBytes(32));
const list = [seminar('one', 1, '13:30', '14:20'), seminar('other', 5, '13:00', '14:00'), seminar('reminded', 5, '15:00', '16:00')];
const program: Program = { ...builtIn, seminars: seminarsConfig(list, { whoMayBook: 'anyone' }) };
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await syncTestSeminars(transactOn(db.sql), list);
});

afterAll(async () => {
  await db?.drop();
});

const tx = () => transactOn(db.sql);
const book = (seminarId: string, p: string, at = now) => audited(tx(), at, (t) => bookSeminar(t, rules(), { seminarId, participantId: p, now: at, actor: `line:${p}` }));
const cancel = (p: string, bookingId: string, at = now) => audited(tx(), at, (t) => cancelSeminarBooking(t, rules(), { participantId: p, bookingId, now: at, actor: `line:${p}` }));
const accept = (p: string, bookingId: string, at = now) => audited(tx(), at, (t) => acceptSeminarOffer(t, rules(), { participantId: p, bookingId, now: at, actor: `line:${p}` }));
const bookingOf = (p: string, seminarId: string) => db.prisma.seminarBooking.findFirstOrThrow({ where: { participantId: p, seminarId }, orderBy: { createdAt: 'desc' } });
const expirySchedule = (bookingId: string) => db.prisma.schedule.findUnique({ where: { dedupeKey: offerExpiryKey(bookingId) } });
const fire = (scheduleId: string, at: Date) => tx()((t) => fireSchedule(t, { sealer, program, reminders: moduleReminders }, scheduleId, at));

/** A full seminar `one` with `n` people waiting; answers the holder and those waiting in join order. */
async function fullWithQueue(n: number) {
  await db.prisma.seminarBooking.deleteMany({ where: { seminarId: 'one' } });
  await db.prisma.seminar.update({ where: { id: 'one' }, data: { heldCount: 0 } });
  const holder = await newParticipant(db.prisma);
  const holding = await book('one', holder) as { bookingId: string };
  const waiting: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = await newParticipant(db.prisma);
    await book('one', p);
    waiting.push(p);
  }
  return { holder, holding: holding.bookingId, waiting };
}

describe('a freed seat', () => {
  it('is offered to the first person waiting, held 12 hours, with an expiry schedule for that person', async () => {
    const { holder, holding, waiting } = await fullWithQueue(3);
    const done = await cancel(holder, holding);
    expect(done.offers.map((o) => o.participantId)).toEqual([waiting[0]]);
    const offered = await bookingOf(waiting[0]!, 'one');
    expect(offered).toMatchObject({ status: 'offered', offeredAt: now, offerExpiresAt: new Date(now.getTime() + 12 * HOUR) });
    expect(await expirySchedule(offered.id)).toMatchObject({ status: 'pending', participantId: waiting[0], entity: 'seminar-booking', entityId: offered.id });
    expect((await db.prisma.seminar.findUniqueOrThrow({ where: { id: 'one' } })).heldCount).toBe(1);
  });

  it('is booked when accepted in time, and its expiry schedule is cancelled; a second tap says booked again', async () => {
    const { holder, holding, waiting } = await fullWithQueue(2);
    await cancel(holder, holding);
    const offered = await bookingOf(waiting[0]!, 'one');
    expect(await accept(waiting[0]!, offered.id, new Date(now.getTime() + HOUR))).toMatchObject({ outcome: 'booked', seminarId: 'one' });
    expect(await bookingOf(waiting[0]!, 'one')).toMatchObject({ status: 'booked', offerExpiresAt: null });
    expect(await expirySchedule(offered.id)).toMatchObject({ status: 'cancelled' });
    expect(await accept(waiting[0]!, offered.id, new Date(now.getTime() + HOUR))).toMatchObject({ outcome: 'booked' });
    expect(await accept(waiting[1]!, offered.id)).toMatchObject({ outcome: 'notFound' });
  });

  it('moves to the next person when declined', async () => {
    const { holder, holding, waiting } = await fullWithQueue(3);
    await cancel(holder, holding);
    const first = await bookingOf(waiting[0]!, 'one');
    const declined = await cancel(waiting[0]!, first.id);
    expect(declined).toMatchObject({ outcome: 'declined' });
    expect(declined.offers.map((o) => o.participantId)).toEqual([waiting[1]]);
    expect(await bookingOf(waiting[0]!, 'one')).toMatchObject({ status: 'declined' });
    expect(await expirySchedule(first.id)).toMatchObject({ status: 'cancelled' });
  });

  it('runs out when its schedule fires: expired, told, and offered to the next person, who is told with buttons', async () => {
    const { holder, holding, waiting } = await fullWithQueue(2);
    await cancel(holder, holding);
    const first = await bookingOf(waiting[0]!, 'one');
    const schedule = (await expirySchedule(first.id))!;
    expect(await fire(schedule.id, new Date(schedule.runAt.getTime() - 1))).toMatchObject({ outcome: 'not-due' });
    const fired = await fire(schedule.id, schedule.runAt);
    expect(fired).toMatchObject({ outcome: 'fired' });
    expect(await bookingOf(waiting[0]!, 'one')).toMatchObject({ status: 'expired' });
    const next = await bookingOf(waiting[1]!, 'one');
    expect(next).toMatchObject({ status: 'offered' });
    const rows = await db.prisma.outboxMessage.findMany({ where: { id: { in: (fired as { outboxIds: string[] }).outboxIds } } });
    expect(rows.map((r) => [r.participantId, r.kind]).sort()).toEqual([[waiting[0], 'seminar-offer-expired'], [waiting[1], 'seminar-offered']].sort());
    expect(await expirySchedule(next.id)).toMatchObject({ status: 'pending' });
    // Fired again (a stalled job): nothing more happens.
    expect(await fire(schedule.id, schedule.runAt)).toEqual({ outcome: 'not-pending' });
  });

  it('cannot be accepted once its hold is over, even before the worker fired: the tap moves it on', async () => {
    const { holder, holding, waiting } = await fullWithQueue(2);
    await cancel(holder, holding);
    const first = await bookingOf(waiting[0]!, 'one');
    const late = new Date(first.offerExpiresAt!.getTime() + 1);
    const outcome = await accept(waiting[0]!, first.id, late);
    expect(outcome).toMatchObject({ outcome: 'expired' });
    expect(outcome.offers.map((o) => o.participantId)).toEqual([waiting[1]]);
    expect(await accept(waiting[0]!, first.id, late)).toMatchObject({ outcome: 'expired', offers: [] });
  });

  it('is not accepted while it overlaps a seminar the person is booked for; the offer stays', async () => {
    const { holder, holding, waiting } = await fullWithQueue(1);
    expect((await book('other', waiting[0]!)).outcome).toBe('booked');
    await cancel(holder, holding);
    const offered = await bookingOf(waiting[0]!, 'one');
    expect(await accept(waiting[0]!, offered.id)).toMatchObject({ outcome: 'overlap', clash: { kind: 'seminar', seminarId: 'other' } });
    expect(await bookingOf(waiting[0]!, 'one')).toMatchObject({ status: 'offered' });
  });

  it('is not accepted once the booking rule no longer lets the person book (no registered place any more); the offer stays', async () => {
    const { holder, holding, waiting } = await fullWithQueue(1);
    await cancel(holder, holding);
    const offered = await bookingOf(waiting[0]!, 'one');
    // The rule as it stands when they tap: registered attendees of an event they hold no place at.
    const registeredOnly = rules({ whoMayBook: 'registered' }, 'an-event-without-them');
    const refused = await audited(tx(), now, (t) => acceptSeminarOffer(t, registeredOnly, { participantId: waiting[0]!, bookingId: offered.id, now, actor: 'test' }));
    expect(refused).toMatchObject({ outcome: 'notRegistered', seminarId: 'one' });
    expect(await bookingOf(waiting[0]!, 'one')).toMatchObject({ status: 'offered' });
  });
});

describe('seminar reminders', () => {
  it('go to the people booked when they fire, never to a booking cancelled before then', async () => {
    const [stays, leaves] = [await newParticipant(db.prisma), await newParticipant(db.prisma)];
    await book('reminded', stays);
    const cancelled = await book('reminded', leaves) as { bookingId: string };
    await cancel(leaves, cancelled.bookingId);
    const schedule = await db.prisma.schedule.findFirstOrThrow({ where: { reminder: SEMINAR_DAY_BEFORE, entityId: 'reminded', status: 'pending' } });
    expect(schedule.runAt).toEqual(new Date('2027-01-22T18:00:00+09:00'));
    const fired = await fire(schedule.id, schedule.runAt) as { outboxIds: string[] };
    const rows = await db.prisma.outboxMessage.findMany({ where: { id: { in: fired.outboxIds } } });
    expect(rows.map((r) => r.participantId)).toEqual([stays]);
    expect(rows[0]!.kind).toBe(`reminder:${SEMINAR_DAY_BEFORE}`);
  });
});
