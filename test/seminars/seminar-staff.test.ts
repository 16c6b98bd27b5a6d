/**
 * Staff steering seminars on real PostgreSQL: the roster with waitlist positions, moving
 * someone in the waitlist (audited), and capacity, time and room changed at run time —
 * including the changes the bookings forbid — and the file's changes at the next start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../core/audit/audit-log.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { bookSeminar } from '../../core/seminars/book-seminar.ts';
import { changeSeminar, type SeminarChange } from '../../core/seminars/change-seminar.ts';
import { reorderWaitlist } from '../../core/seminars/reorder-waitlist.ts';
import { seminarRoster } from '../../core/seminars/seminar-roster.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { newParticipant } from '../support/event-fixtures.ts';
import { audited, BEFORE_SEMINARS, rules, seminar, syncTestSeminars } from '../support/seminar-fixtures.ts';

const now = BEFORE_SEMINARS;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await syncTestSeminars(transactOn(db.sql), [seminar('sa', 1, '13:00', '14:00'), seminar('sb', 5, '14:00', '15:00'), seminar('sc', 2, '16:00', '17:00')]);
});

afterAll(async () => {
  await db?.drop();
});

const tx = () => transactOn(db.sql);
const book = (seminarId: string, p: string) => audited(tx(), now, (t) => bookSeminar(t, rules(), { seminarId, participantId: p, now, actor: `line:${p}` }));
const change = (seminarId: string, c: SeminarChange) => tx()(async (t) => {
  const outcome = await changeSeminar(t, rules(), { seminarId, change: c, now, actor: 'discord:staff-1' });
  if (outcome.outcome === 'changed') await appendAudit(t, outcome.audit, now);
  return outcome;
});
const at = (hhmm: string) => new Date(`2027-01-23T${hhmm}:00+09:00`);

describe('the waitlist, for staff', () => {
  it('lists booked and waiting people with positions, and moves one to the front, audited', async () => {
    const people = await Promise.all([1, 2, 3, 4].map(() => newParticipant(db.prisma)));
    for (const p of people) await book('sa', p);
    const before = await seminarRoster(sqlClient(db.sql), 'sa');
    expect(before.booked.map((b) => b.participantId)).toEqual([people[0]]);
    expect(before.waitlisted.map((w) => [w.participantId, w.position])).toEqual([[people[1], 1], [people[2], 2], [people[3], 3]]);
    const last = before.waitlisted[2]!.bookingId;
    const moved = await audited(tx(), now, (t) => reorderWaitlist(t, { seminarId: 'sa', bookingId: last, position: 1, now, actor: 'discord:staff-1' }));
    expect(moved).toMatchObject({ outcome: 'moved', from: 3, to: 1 });
    const after = await seminarRoster(sqlClient(db.sql), 'sa');
    expect(after.waitlisted.map((w) => w.participantId)).toEqual([people[3], people[1], people[2]]);
    expect(await db.prisma.auditLog.findFirst({ where: { action: 'seminar.waitlistReordered', entityId: last } })).toMatchObject({ actor: 'discord:staff-1' });
    // New joiners still come last.
    const newcomer = await newParticipant(db.prisma);
    await book('sa', newcomer);
    expect((await seminarRoster(sqlClient(db.sql), 'sa')).waitlisted.at(-1)!.participantId).toBe(newcomer);
  });

  it('refuses a position out of range and a booking that is not waiting', async () => {
    const roster = await seminarRoster(sqlClient(db.sql), 'sa');
    const reorder = (bookingId: string, position: number) => tx()((t) => reorderWaitlist(t, { seminarId: 'sa', bookingId, position, now, actor: 'discord:staff-1' }));
    expect(await reorder(roster.waitlisted[0]!.bookingId, 0)).toMatchObject({ outcome: 'badPosition' });
    expect(await reorder(roster.waitlisted[0]!.bookingId, roster.waitlisted.length + 1)).toMatchObject({ outcome: 'badPosition' });
    expect(await reorder(roster.booked[0]!.bookingId, 1)).toMatchObject({ outcome: 'notWaiting' });
  });
});

describe('changing a seminar at run time', () => {
  it('raising the capacity offers the new seats to the people waiting, in queue order', async () => {
    const waiting = (await seminarRoster(sqlClient(db.sql), 'sa')).waitlisted;
    const done = await change('sa', { capacity: 3 });
    expect(done).toMatchObject({ outcome: 'changed', fields: ['capacity'] });
    expect((done as { offers: Array<{ participantId: string }> }).offers.map((o) => o.participantId)).toEqual(waiting.slice(0, 2).map((w) => w.participantId));
    expect(await db.prisma.seminar.findUniqueOrThrow({ where: { id: 'sa' } })).toMatchObject({ capacity: 3, heldCount: 3 });
  });

  it('refuses a capacity below the seats held, and a start after the end', async () => {
    expect(await change('sa', { capacity: 2 })).toEqual({ outcome: 'belowHeld', held: 3 });
    expect(await change('sa', { startsAt: at('15:00') })).toEqual({ outcome: 'invalid' });
    expect(await db.prisma.seminar.findUniqueOrThrow({ where: { id: 'sa' } })).toMatchObject({ capacity: 3 });
  });

  it('refuses a time that would overlap another seminar someone booked here is booked for, saying how many and which', async () => {
    const p = await newParticipant(db.prisma);
    await book('sb', p);
    await book('sc', p);
    expect(await change('sc', { startsAt: at('14:30'), endsAt: at('15:30') })).toEqual({ outcome: 'overlap', people: 1, conflicts: ['sb'] });
    expect((await db.prisma.seminar.findUniqueOrThrow({ where: { id: 'sc' } })).startsAt).toEqual(at('16:00'));
  });

  it('moves the time and the room, audited, and moves the reminders with it', async () => {
    const done = await change('sc', { startsAt: at('16:30'), endsAt: at('17:30'), room: { ja: '大ホール', en: 'Main hall' } });
    expect(done).toMatchObject({ outcome: 'changed', fields: ['startsAt', 'endsAt', 'room'] });
    expect(await db.prisma.seminar.findUniqueOrThrow({ where: { id: 'sc' } })).toMatchObject({ startsAt: at('16:30'), roomJa: '大ホール', roomEn: 'Main hall' });
    const pending = await db.prisma.schedule.findMany({ where: { entity: 'seminar', entityId: 'sc', status: 'pending' } });
    expect(pending.map((s) => s.runAt.getTime()).sort()).toEqual([new Date('2027-01-22T18:00:00+09:00').getTime(), at('16:00').getTime()]);
    expect(await db.prisma.auditLog.findFirst({ where: { action: 'seminar.changed', entityId: 'sc' } })).toMatchObject({ actor: 'discord:staff-1' });
  });

  it('keeps staff changes at the next start unless the file itself changed', async () => {
    await syncTestSeminars(transactOn(db.sql), [seminar('sa', 1, '13:00', '14:00'), seminar('sb', 5, '14:00', '15:00'), seminar('sc', 2, '16:00', '17:00')]);
    expect(await db.prisma.seminar.findUniqueOrThrow({ where: { id: 'sc' } })).toMatchObject({ startsAt: at('16:30'), roomJa: '大ホール' });
    const sync = await syncTestSeminars(transactOn(db.sql), [seminar('sa', 1, '13:00', '14:00'), seminar('sb', 5, '14:00', '15:00'), seminar('sc', 4, '16:00', '17:00')]);
    expect(sync.updated).toEqual(['sc']);
    expect(await db.prisma.seminar.findUniqueOrThrow({ where: { id: 'sc' } })).toMatchObject({ capacity: 4, startsAt: at('16:00'), roomJa: '会議室A' });
  });
});
