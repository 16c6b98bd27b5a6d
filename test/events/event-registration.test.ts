/**
 * Event registration on real PostgreSQL: every outcome of registering and cancelling,
 * the waitlist in join order, the ticket token, the facts the flow loads, the counts, the
 * sync from configuration, and bad input — with what is stored checked each time.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../core/audit/audit-log.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { cancelEventRegistration, type CancelInput } from '../../core/events/cancel-registration.ts';
import { eventCounts } from '../../core/events/event-counts.ts';
import { loadEventRegistrations } from '../../core/events/event-registrations.ts';
import { registerForEvent, type RegisterInput } from '../../core/events/register-for-event.ts';
import { syncEvent } from '../../core/events/sync-event.ts';
import { ticketImageUrl, ticketToken, verifyTicketToken } from '../../core/events/ticket-token.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { AFTER_CLOSING, BEFORE_OPENING, eventAnswers, newParticipant, REGISTRATION_OPEN, testEvent } from '../support/event-fixtures.ts';

const sealer = new Sealer(randomBytes(32));
const now = REGISTRATION_OPEN;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

const transact = () => transactOn(db.sql);

/** Registers in a transaction of its own, appending the audit entries as the runtime does. */
async function register(eventId: string, participantId: string, options: Partial<RegisterInput> = {}) {
  return transact()(async (tx) => {
    const outcome = await registerForEvent(tx, sealer, {
      eventId, participantId, attendeeType: 'founder', answers: eventAnswers('千葉 太郎'), now, actor: `line:${participantId}`, ...options,
    });
    await appendAudit(tx, outcome.audit, now);
    return outcome;
  });
}

async function cancel(eventId: string, participantId: string, registrationId: string, options: Partial<CancelInput> = {}) {
  return transact()(async (tx) => {
    const outcome = await cancelEventRegistration(tx, sealer, { eventId, participantId, registrationId, now, actor: `line:${participantId}`, ...options });
    await appendAudit(tx, outcome.audit, now);
    return outcome;
  });
}

async function newEvent(id: string, capacity: number) {
  await syncEvent(transact(), sealer, testEvent(id, capacity), now);
}

const people = (n: number) => Promise.all(Array.from({ length: n }, () => newParticipant(db.prisma)));

async function stored(eventId: string) {
  const [event] = await db.prisma.event.findMany({ where: { id: eventId } });
  const rows = await db.prisma.eventRegistration.findMany({ where: { eventId }, orderBy: { joinOrder: 'asc' } });
  return { registeredCount: event?.registeredCount, capacity: event?.capacity, rows };
}

describe('registerForEvent', () => {
  it('gives a free place with a ticket that verifies, sealing the answers and counting the place', async () => {
    await newEvent('free', 2);
    const [person] = await people(1);
    const outcome = await register('free', person!);
    expect(outcome).toMatchObject({ outcome: 'registered', ticket: expect.stringMatching(/^[A-Za-z0-9_-]{66}$/) });
    if (outcome.outcome !== 'registered') throw new Error('not registered');
    expect(await verifyTicketToken(sqlClient(db.sql), sealer, outcome.ticket)).toEqual({ valid: true, registrationId: outcome.registrationId, eventId: 'free' });
    const { registeredCount, rows } = await stored('free');
    expect(registeredCount).toBe(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'registered', attendeeType: 'founder', createdAt: now, joinedAt: now, updatedAt: now, cancelledAt: null });
    expect(rows[0]!.answersSealed).not.toContain('千葉');
    // The audit says what happened, never who the person is.
    const audit = await db.prisma.auditLog.findMany({ where: { entityId: outcome.registrationId } });
    expect(audit.map((a) => a.action)).toEqual(['event.registered']);
    expect(JSON.stringify(audit[0]!.detail)).not.toMatch(/千葉|example\.jp|ちばラボ/);
  });

  it('answers a second registration with `already` and the same ticket, storing nothing more', async () => {
    await newEvent('twice', 5);
    const [person] = await people(1);
    const first = await register('twice', person!);
    const second = await register('twice', person!, { attendeeType: 'student', answers: eventAnswers('別人 花子') });
    expect(second).toEqual({ outcome: 'already', registrationId: (first as { registrationId: string }).registrationId, status: 'registered', ticket: (first as { ticket: string }).ticket, audit: [] });
    const { registeredCount, rows } = await stored('twice');
    expect(registeredCount).toBe(1);
    expect(rows.map((r) => r.attendeeType)).toEqual(['founder']);
    expect(sealer.openJson(rows[0]!.answersSealed, `event-registration:${rows[0]!.id}:answers`)).toEqual(eventAnswers('千葉 太郎'));
  });

  it('resolves a double tap (the same person, many transactions at once) to one registration', async () => {
    await newEvent('double-tap', 1);
    const [person] = await people(1);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => register('double-tap', person!)));
    expect(outcomes.filter((o) => o.outcome === 'registered')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'already')).toHaveLength(7);
    const { registeredCount, rows } = await stored('double-tap');
    expect([registeredCount, rows.length]).toEqual([1, 1]);
  });

  it('waitlists when the places are taken, with positions in join order', async () => {
    await newEvent('full', 1);
    const [a, b, c] = await people(3);
    expect((await register('full', a!)).outcome).toBe('registered');
    expect(await register('full', b!)).toMatchObject({ outcome: 'waitlisted', position: 1 });
    expect(await register('full', c!)).toMatchObject({ outcome: 'waitlisted', position: 2 });
    expect(await register('full', c!)).toMatchObject({ outcome: 'already', status: 'waitlisted', position: 2 });
    expect((await register('full', c!)).audit).toEqual([]);
    expect((await stored('full')).registeredCount).toBe(1);
  });

  it('waitlists everyone at capacity 0, and raising the capacity registers the first waiting', async () => {
    await newEvent('zero', 0);
    const [a, b] = await people(2);
    const first = await register('zero', a!);
    expect(first).toMatchObject({ outcome: 'waitlisted', position: 1 });
    expect(await register('zero', b!)).toMatchObject({ outcome: 'waitlisted', position: 2 });
    const sync = await syncEvent(transact(), sealer, testEvent('zero', 1), now);
    expect(sync).toMatchObject({ change: 'updated', capacity: 1, promoted: [{ participantId: a, registrationId: (first as { registrationId: string }).registrationId }] });
    expect(await verifyTicketToken(sqlClient(db.sql), sealer, sync.promoted[0]!.ticket)).toMatchObject({ valid: true });
    const facts = await loadEventRegistrations(sqlClient(db.sql), sealer, 'zero', [a!, b!]);
    expect(facts.get(a!)).toMatchObject({ status: 'registered', ticket: sync.promoted[0]!.ticket });
    expect(facts.get(b!)).toMatchObject({ status: 'waitlisted', position: 1 });
  });

  it('is closed before registration opens and from the moment it closes, storing nothing', async () => {
    await newEvent('window', 10);
    const [person] = await people(1);
    expect(await register('window', person!, { now: BEFORE_OPENING })).toEqual({ outcome: 'closed', audit: [] });
    expect(await register('window', person!, { now: AFTER_CLOSING })).toEqual({ outcome: 'closed', audit: [] });
    expect((await stored('window')).rows).toEqual([]);
  });

  it('still tells a registered person they are registered after closing', async () => {
    await newEvent('late', 10);
    const [person] = await people(1);
    await register('late', person!);
    expect(await register('late', person!, { now: AFTER_CLOSING })).toMatchObject({ outcome: 'already', status: 'registered' });
  });

  it('is closed for an event that was never synced', async () => {
    const [person] = await people(1);
    expect(await register('never-synced', person!)).toEqual({ outcome: 'closed', audit: [] });
  });

  it('refuses malformed input by throwing, storing nothing', async () => {
    await newEvent('bad-input', 10);
    const [person] = await people(1);
    await expect(register('bad-input', 'not-a-uuid')).rejects.toThrow();
    await expect(register('bad-input', person!, { attendeeType: 'Founder; DROP' })).rejects.toThrow();
    await expect(register('bad-input', person!, { answers: { name: 42 } as unknown as Record<string, string> })).rejects.toThrow();
    await expect(register('bad-input', randomUUID())).rejects.toThrow(/foreign key/);
    expect((await stored('bad-input')).rows).toEqual([]);
  });
});

describe('cancelEventRegistration', () => {
  it('frees the place for the first person waiting, in join order, whose ticket then verifies', async () => {
    await newEvent('cancel', 1);
    const [a, b, c] = await people(3);
    const first = await register('cancel', a!);
    const waitingB = await register('cancel', b!);
    await register('cancel', c!);
    if (first.outcome !== 'registered' || waitingB.outcome !== 'waitlisted') throw new Error('unexpected');
    const outcome = await cancel('cancel', a!, first.registrationId);
    expect(outcome).toMatchObject({ outcome: 'cancelled', promoted: { participantId: b, registrationId: waitingB.registrationId } });
    expect(outcome.audit.map((e) => e.action)).toEqual(['event.cancelled', 'event.promoted']);
    const db0 = sqlClient(db.sql);
    expect(await verifyTicketToken(db0, sealer, first.ticket)).toEqual({ valid: false, reason: 'revoked' });
    expect(await verifyTicketToken(db0, sealer, (outcome as { promoted: { ticket: string } }).promoted.ticket)).toMatchObject({ valid: true });
    const facts = await loadEventRegistrations(db0, sealer, 'cancel', [a!, b!, c!]);
    expect([...facts.values()].map((f) => [f.status, f.position])).toEqual(expect.arrayContaining([['cancelled', undefined], ['registered', undefined], ['waitlisted', 1]]));
    expect(facts.get(a!)!.ticket).toBeUndefined();
    expect((await stored('cancel')).registeredCount).toBe(1);
  });

  it('answers `notFound` for someone else\'s registration, a guessed id and a malformed id alike, changing nothing', async () => {
    await newEvent('not-yours', 2);
    const [owner, other] = await people(2);
    const registration = await register('not-yours', owner!);
    if (registration.outcome !== 'registered') throw new Error('unexpected');
    const before = await stored('not-yours');
    expect(await cancel('not-yours', other!, registration.registrationId)).toEqual({ outcome: 'notFound', audit: [] });
    expect(await cancel('not-yours', owner!, randomUUID())).toEqual({ outcome: 'notFound', audit: [] });
    expect(await cancel('not-yours', owner!, "x' OR '1'='1")).toEqual({ outcome: 'notFound', audit: [] });
    expect(await cancel('another-event', owner!, registration.registrationId)).toEqual({ outcome: 'notFound', audit: [] });
    expect(await stored('not-yours')).toEqual(before);
  });

  it('answers a second cancellation with `alreadyCancelled`', async () => {
    await newEvent('cancel-twice', 2);
    const [person] = await people(1);
    const registration = await register('cancel-twice', person!);
    const id = (registration as { registrationId: string }).registrationId;
    expect((await cancel('cancel-twice', person!, id)).outcome).toBe('cancelled');
    expect(await cancel('cancel-twice', person!, id)).toEqual({ outcome: 'alreadyCancelled', audit: [] });
    const { registeredCount, rows } = await stored('cancel-twice');
    expect(registeredCount).toBe(0);
    expect(rows[0]).toMatchObject({ status: 'cancelled', cancelledAt: now });
  });

  it('takes a waiting person off the waitlist without giving away a place, and the others move up', async () => {
    await newEvent('leave-queue', 1);
    const [a, b, c] = await people(3);
    await register('leave-queue', a!);
    const waiting = await register('leave-queue', b!);
    await register('leave-queue', c!);
    const outcome = await cancel('leave-queue', b!, (waiting as { registrationId: string }).registrationId);
    expect(outcome).toEqual({ outcome: 'cancelled', audit: [expect.objectContaining({ action: 'event.cancelled', detail: { eventId: 'leave-queue', was: 'waitlisted' } })] });
    expect((await loadEventRegistrations(sqlClient(db.sql), sealer, 'leave-queue', [c!])).get(c!)).toMatchObject({ status: 'waitlisted', position: 1 });
    expect((await stored('leave-queue')).registeredCount).toBe(1);
  });

  it('lets a person who cancelled register again, at the end of the queue, with a new ticket', async () => {
    await newEvent('again', 1);
    const [a, b] = await people(2);
    const first = await register('again', a!);
    if (first.outcome !== 'registered') throw new Error('unexpected');
    await cancel('again', a!, first.registrationId);
    expect((await register('again', b!)).outcome).toBe('registered');
    const again = await register('again', a!, { attendeeType: 'student' });
    expect(again).toMatchObject({ outcome: 'waitlisted', registrationId: first.registrationId, position: 1 });
    await cancel('again', b!, (await loadEventRegistrations(sqlClient(db.sql), sealer, 'again', [b!])).get(b!)!.registrationId);
    const facts = (await loadEventRegistrations(sqlClient(db.sql), sealer, 'again', [a!])).get(a!)!;
    expect(facts).toMatchObject({ status: 'registered', attendeeType: 'student' });
    expect(facts.ticket).not.toBe(first.ticket);
    expect(await verifyTicketToken(sqlClient(db.sql), sealer, first.ticket)).toEqual({ valid: false, reason: 'revoked' });
    expect(await verifyTicketToken(sqlClient(db.sql), sealer, facts.ticket!)).toMatchObject({ valid: true });
  });
});

describe('verifyTicketToken', () => {
  let ticket: string;
  let registrationId: string;

  beforeAll(async () => {
    await newEvent('tickets', 5);
    const [person] = await people(1);
    const outcome = await register('tickets', person!);
    if (outcome.outcome !== 'registered') throw new Error('unexpected');
    ({ ticket, registrationId } = outcome);
  });

  const check = (token: string) => verifyTicketToken(sqlClient(db.sql), sealer, token);
  const flip = (token: string, at: number) => {
    const bytes = Buffer.from(token, 'base64url');
    bytes[at]! ^= 0x01;
    return bytes.toString('base64url');
  };

  it('holds no personal data: only a version, the registration id, a nonce and a MAC', () => {
    const bytes = Buffer.from(ticket, 'base64url');
    expect(bytes).toHaveLength(49);
    expect(bytes[0]).toBe(1);
    expect(bytes.subarray(1, 17).toString('hex')).toBe(registrationId.replace(/-/g, ''));
  });

  it('refuses an altered token, whichever byte changed', async () => {
    for (const at of [0, 1, 16, 17, 32, 33, 48]) expect((await check(flip(ticket, at))).valid).toBe(false);
    expect(await check(flip(ticket, 20))).toEqual({ valid: false, reason: 'forged' });
  });

  it('refuses a forged token: random bytes, another key\'s signature, another registration\'s id', async () => {
    expect(await check(randomBytes(49).toString('base64url'))).toMatchObject({ valid: false });
    const otherKey = new Sealer(randomBytes(32));
    const nonce = randomBytes(16).toString('base64url');
    expect(await check(ticketToken(otherKey, registrationId, nonce))).toEqual({ valid: false, reason: 'forged' });
    // Signed with the right key but a nonce the registration does not carry: a stale or invented ticket.
    expect(await check(ticketToken(sealer, registrationId, nonce))).toEqual({ valid: false, reason: 'revoked' });
    expect(await check(ticketToken(sealer, randomUUID(), nonce))).toEqual({ valid: false, reason: 'revoked' });
  });

  it('refuses what is not a token\'s shape, and a second spelling of a real one', async () => {
    for (const token of ['', 'abc', `${ticket}A`, ticket.slice(0, -1), `${ticket.slice(0, -1)}=`, ticket.replace(/^./, '+')]) {
      expect(await check(token)).toMatchObject({ valid: false });
    }
    // The last character carries 4 spare bits; changing only those must not give the same ticket.
    const last = ticket.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(await check(`${ticket.slice(0, -1)}${sibling}`)).toEqual({ valid: false, reason: 'malformed' });
    expect(await check(ticket)).toMatchObject({ valid: true });
  });

  it('names the image URL after the token', () => {
    expect(ticketImageUrl('https://ouen.example.jp/', ticket)).toBe(`https://ouen.example.jp/tickets/${ticket}.png`);
  });
});

describe('loadEventRegistrations', () => {
  it('loads many people in one statement, with positions, answers and tickets; nobody for those without one', async () => {
    await newEvent('facts', 1);
    const [a, b, c, none] = await people(4);
    await register('facts', a!, { answers: eventAnswers('一番 太郎') });
    await register('facts', b!, { attendeeType: 'student', answers: eventAnswers('二番 花子', 'hanako@example.jp') });
    await register('facts', c!);
    const facts = await loadEventRegistrations(sqlClient(db.sql), sealer, 'facts', [a!, b!, c!, none!]);
    expect(facts.size).toBe(3);
    expect(facts.get(a!)).toMatchObject({ status: 'registered', attendeeType: 'founder', answers: eventAnswers('一番 太郎'), ticket: expect.any(String) });
    expect(facts.get(b!)).toEqual({
      registrationId: expect.any(String), status: 'waitlisted', position: 1, attendeeType: 'student', answers: eventAnswers('二番 花子', 'hanako@example.jp'),
    });
    expect(facts.get(c!)).toMatchObject({ status: 'waitlisted', position: 2 });
    expect(await loadEventRegistrations(sqlClient(db.sql), sealer, 'facts', [])).toEqual(new Map());
  });
});

describe('eventCounts', () => {
  it('counts by status and attendee type; zero for an event never synced', async () => {
    await newEvent('counts', 2);
    const [a, b, c, d] = await people(4);
    await register('counts', a!, { attendeeType: 'founder' });
    const student = await register('counts', b!, { attendeeType: 'student' });
    await register('counts', c!, { attendeeType: 'student' });
    await register('counts', d!, { attendeeType: 'sponsor' });
    await cancel('counts', b!, (student as { registrationId: string }).registrationId);
    expect(await eventCounts(sqlClient(db.sql), 'counts')).toEqual({
      capacity: 2, registered: 2, waitlisted: 1, cancelled: 1,
      byAttendeeType: {
        founder: { registered: 1, waitlisted: 0, cancelled: 0 },
        student: { registered: 1, waitlisted: 0, cancelled: 1 },
        sponsor: { registered: 0, waitlisted: 1, cancelled: 0 },
      },
    });
    expect(await eventCounts(sqlClient(db.sql), 'nowhere')).toEqual({ capacity: 0, registered: 0, waitlisted: 0, cancelled: 0, byAttendeeType: {} });
  });
});

describe('syncEvent', () => {
  it('creates the event, then changes nothing while the configuration is the same', async () => {
    const event = testEvent('synced', 3);
    expect(await syncEvent(transact(), sealer, event, now)).toEqual({ change: 'created', capacity: 3, promoted: [] });
    expect(await syncEvent(transact(), sealer, event, now)).toEqual({ change: 'unchanged', capacity: 3, promoted: [] });
    const row = await db.prisma.event.findUniqueOrThrow({ where: { id: 'synced' } });
    expect(row).toMatchObject({ capacity: 3, registeredCount: 0, opensAt: new Date(event.registration.opensAt), closesAt: new Date(event.registration.closesAt), createdAt: now });
    expect((await db.prisma.auditLog.findMany({ where: { entity: 'event', entityId: 'synced' } })).map((a) => a.action)).toEqual(['event.created']);
  });

  it('never takes a place away: lowered below the places taken, the event keeps as many as are taken, then converges', async () => {
    await newEvent('shrink', 3);
    const [a, b, c, d] = await people(4);
    const ids = [];
    for (const person of [a, b, c, d]) ids.push((await register('shrink', person!) as { registrationId: string }).registrationId);
    const shrink = () => syncEvent(transact(), sealer, testEvent('shrink', 1), now);
    expect(await shrink()).toEqual({ change: 'unchanged', capacity: 3, clamped: { configured: 1, registered: 3 }, promoted: [] });
    expect(await eventCounts(sqlClient(db.sql), 'shrink')).toMatchObject({ capacity: 3, registered: 3, waitlisted: 1 });
    // A place given back goes to the next person waiting; once nobody waits, each sync lowers the capacity as far as it can.
    expect(await cancel('shrink', a!, ids[0]!)).toMatchObject({ promoted: { participantId: d } });
    expect(await cancel('shrink', b!, ids[1]!)).not.toHaveProperty('promoted');
    expect(await shrink()).toEqual({ change: 'updated', capacity: 2, clamped: { configured: 1, registered: 2 }, promoted: [] });
    await cancel('shrink', c!, ids[2]!);
    expect(await shrink()).toEqual({ change: 'updated', capacity: 1, promoted: [] });
    expect(await eventCounts(sqlClient(db.sql), 'shrink')).toMatchObject({ capacity: 1, registered: 1, waitlisted: 0, cancelled: 3 });
  });

  it('refuses, in the database, a counter beyond the capacity or below zero', async () => {
    await newEvent('guarded', 1);
    await expect(db.sql.query(`UPDATE "Event" SET "registeredCount" = 2 WHERE "id" = 'guarded'`)).rejects.toThrow(/guard_event_places/);
    await expect(db.sql.query(`UPDATE "Event" SET "registeredCount" = -1 WHERE "id" = 'guarded'`)).rejects.toThrow(/guard_event_places/);
    await expect(db.sql.query(`UPDATE "Event" SET "capacity" = -1 WHERE "id" = 'guarded'`)).rejects.toThrow(/guard_event/);
  });
});
