/**
 * Consultation reminders on real PostgreSQL: the schedules the booths section implies
 * (per slot: the day before at the set hour, the set minutes before the start), and,
 * when one fires, exactly the people booked in that slot at that moment — a booking
 * cancelled or moved away before then gets nothing; the slot it moved to reminds it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sealer } from '../../core/crypto/sealer.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { bookConsultation } from '../../core/consultations/book-consultation.ts';
import { cancelConsultation } from '../../core/consultations/cancel-consultation.ts';
import { moveConsultation } from '../../core/consultations/move-consultation.ts';
import { BOOTHS_BEFORE_START, BOOTHS_DAY_BEFORE, boothsReminders } from '../../core/modules/booths.reminders.ts';
import { moduleReminders } from '../../core/modules/module-reminders.ts';
import { openContent } from '../../core/outbox/outbox-content.ts';
import { fireSchedule } from '../../core/schedules/fire-schedule.ts';
import { translateText } from '../../flows/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { BOOKING_TIME, event, registeredPerson, rules, slotsOf, syncAll } from '../support/booth-fixtures.ts';
import { program } from '../support/flow-harness.ts';

const sealer = new Sealer(randomBytes(32));
const funding = slotsOf('funding');
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await syncAll(db.sql, sealer);
});

afterAll(async () => {
  await db?.drop();
});

const person = () => registeredPerson(db.prisma, transactOn(db.sql), sealer);
const book = async (participantId: string, slotId: string) => (await transactOn(db.sql)((tx) => bookConsultation(tx, sealer, {
  eventId: event.id, participantId, slotId, intake: '相談', rules, now: BOOKING_TIME, actor: 'test',
})) as { consultationId: string }).consultationId;

/** A schedule row of the reminder for the slot, due at `runAt`, fired at `now`. */
async function fire(reminder: string, slotId: string, runAt: Date, now: Date) {
  const id = randomUUID();
  await db.prisma.schedule.create({ data: { id, reminder, entity: 'booth-slot', entityId: slotId, slot: 'test', runAt, dedupeKey: `test:${id}`, createdAt: runAt } });
  const result = await transactOn(db.sql)((tx) => fireSchedule(tx, { sealer, program, reminders: moduleReminders }, id, now));
  const rows = await db.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: `schedule:${id}:` } } });
  return { result, participants: rows.map((r) => r.participantId).sort(), rows };
}

describe('the schedules the booths imply', () => {
  it('plans, per slot, the day before at the set hour and the set minutes before the start', () => {
    const planned = boothsReminders.planned!(program).filter((p) => p.entityId === funding[0]!.id);
    expect(planned).toEqual([
      { reminder: BOOTHS_DAY_BEFORE, entity: 'booth-slot', entityId: funding[0]!.id, slot: 'day-before', runAt: new Date('2027-01-22T18:00:00+09:00') },
      { reminder: BOOTHS_BEFORE_START, entity: 'booth-slot', entityId: funding[0]!.id, slot: '30m', runAt: new Date('2027-01-23T13:00:00+09:00'), urgent: false },
    ]);
  });
});

describe('a consultation reminder firing', () => {
  it('goes to those booked in the slot now, not to a cancelled or moved booking, and names the booth and time', async () => {
    const [kept, cancelled, moved] = [await person(), await person(), await person()];
    const slot = slotsOf('yorozu')[2]!;
    const elsewhere = slotsOf('yorozu')[5]!;
    await book(kept, slot.id);
    const toCancel = await book(cancelled, slot.id);
    const toMove = await book(moved, funding[4]!.id);
    await transactOn(db.sql)((tx) => cancelConsultation(tx, { eventId: event.id, participantId: cancelled, consultationId: toCancel, rules, now: BOOKING_TIME, actor: 'test' }));
    const original = await book(moved, elsewhere.id);
    await transactOn(db.sql)((tx) => moveConsultation(tx, sealer, { eventId: event.id, participantId: moved, consultationId: toMove, slotId: slot.id, rules, now: BOOKING_TIME, actor: 'test' }));
    await transactOn(db.sql)((tx) => moveConsultation(tx, sealer, { eventId: event.id, participantId: moved, consultationId: original, slotId: slotsOf('yorozu')[6]!.id, rules, now: BOOKING_TIME, actor: 'test' }));

    const dayBefore = new Date('2027-01-22T18:00:00+09:00');
    const fired = await fire(BOOTHS_DAY_BEFORE, slot.id, dayBefore, dayBefore);
    expect(fired.result.outcome).toBe('fired');
    expect(fired.participants).toEqual([kept, moved].sort());
    const stored = openContent(sealer, fired.rows[0]!.contentSealed, fired.rows[0]!.participantId);
    const text = 'content' in stored && stored.content.messages[0]!.type === 'text' ? translateText(stored.content.messages[0]!.text, 'ja') : '';
    expect(text).toBe('明日は「千葉県よろず支援拠点」の個別相談です。\n日時：1月23日(土) 14:30–15:00\n場所：相談ブースB\n当日はブースへお越しください。');

    // The slot the second booking moved away from reminds nobody; where it went reminds the person.
    expect((await fire(BOOTHS_BEFORE_START, elsewhere.id, dayBefore, dayBefore)).participants).toEqual([]);
    expect((await fire(BOOTHS_BEFORE_START, slotsOf('yorozu')[6]!.id, dayBefore, dayBefore)).participants).toEqual([moved]);
  });

  it('reminds nobody once the slot has started', async () => {
    const p = await person();
    await book(p, funding[7]!.id);
    const late = new Date(Date.parse(funding[7]!.startsAt) + 60_000);
    expect((await fire(BOOTHS_BEFORE_START, funding[7]!.id, late, late)).participants).toEqual([]);
  });
});
