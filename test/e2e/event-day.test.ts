/**
 * One scripted season of the Grand Meetup, end to end on real PostgreSQL and Redis with
 * ouen running (web and worker) against the fake LINE API and a fake Discord, under an
 * injected clock that moves from the registration weeks to the day itself:
 *
 * 1. 500 people register: six named LINE users through signed webhooks and the turn
 *    pipeline, one through Discord DMs, the rest through the registration service at once.
 * 2. Seminars: the named people fill the two-seat clinic and queue for it (positions
 *    shown); the crowd rushes the other three seminars at once (double taps included).
 * 3. Freed seats go to the first person waiting: offers pushed through the outbox by the
 *    worker — one accepted from the pushed buttons, one declined (the next is offered),
 *    one left to run out (the worker's schedule expires it and offers the next, who is
 *    told and accepts); freed seats in the crowd's seminar go in join order too.
 * 4. Consultations with an intake: one moved, one cancelled, then a crowd rush for the slots.
 * 5. Reminders, fired by the real schedule processor as the clock reaches them: the
 *    event's, the seminars', the booths'; what LINE received is checked person by person.
 * 6. Counters, rows and `ouen stats --json` agree, with nothing overbooked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { appendAudit } from '../../core/audit/audit-log.ts';
import { bookConsultation } from '../../core/consultations/book-consultation.ts';
import { intakeContext } from '../../core/consultations/consultation-types.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { createSqlPool } from '../../core/db/sql-pool.ts';
import type { SqlClient } from '../../core/db/types.ts';
import { registerForEvent } from '../../core/events/register-for-event.ts';
import { rulesOf } from '../../core/modules/booths.server-module.ts';
import { acceptSeminarOffer } from '../../core/seminars/accept-offer.ts';
import { bookSeminar } from '../../core/seminars/book-seminar.ts';
import { cancelSeminarBooking } from '../../core/seminars/cancel-booking.ts';
import { seminarStats } from '../../core/seminars/seminar-counts.ts';
import { loadLiveBookings } from '../../core/seminars/seminar-bookings.ts';
import { offerExpiryKey } from '../../core/seminars/seminar-reminder-ids.ts';
import { seminarRules } from '../../core/seminars/seminar-rules.ts';
import { collectStats, statsConsultationsOf, statsEventOf } from '../../core/stats/collect-stats.ts';
import { boothSlots } from '../../flows/consult/consult-slots.ts';
import type { AuditEntry } from '../../core/audit/audit-log.ts';
import { DmUser } from '../support/dm-user.ts';
import { fireDueSchedules } from '../support/due-schedules.ts';
import { eventAnswers } from '../support/event-fixtures.ts';
import { startOuenWithDiscord, type FakeDiscord } from '../support/fake-discord.ts';
import { botTexts, callbackBody, LineUser } from '../support/line-events.ts';
import { eventually, type Harness } from '../support/ouen-harness.ts';
import { programFileWith } from '../support/program-file.ts';

/** The day's moments (Tokyo). The event is on 23 Jan 2027 from 13:00. */
const AT = {
  registration: new Date('2026-12-10T10:00:00+09:00'),
  seminars: new Date('2027-01-10T10:00:00+09:00'),
  consultations: new Date('2027-01-16T10:00:00+09:00'),
  eventDayBefore: new Date('2027-01-22T12:00:00+09:00'),
  dayBefore: new Date('2027-01-22T18:00:00+09:00'),
  eventSoon: new Date('2027-01-23T11:00:00+09:00'),
  firstSessionsSoon: new Date('2027-01-23T13:00:00+09:00'),
  secondSlotSoon: new Date('2027-01-23T13:20:00+09:00'),
};
const MINUTE = 60_000;

const ATTENDEES = 500;
/** The crowd's groups (the people who register through the service), by what they do. */
const CROWD = { funding: 150, marketing: 100, founderTalk: 60, consult: 120 };
const DOUBLE_TAPS = 20;
const FUNDING_CANCELS = 10;

/** The built-in program with room for all 500 and a two-seat clinic beside the funding seminar. */
function dayProgram(): string {
  return programFileWith((program) => {
    program.event.registration.capacity = ATTENDEES;
    program.seminars.list.push({
      id: 'clinic',
      title: { ja: 'ピッチ・クリニック ― 3分で伝える事業計画', en: 'Pitch clinic: your plan in three minutes' },
      label: { ja: 'ピッチ・クリニック', en: 'Pitch clinic' },
      speaker: { ja: 'ちばビジコン 選考委員', en: 'A member of the contest committee' },
      room: { ja: '会議室C（3階）', en: 'Room C (3F)' },
      startsAt: '2027-01-23T13:30:00+09:00',
      endsAt: '2027-01-23T14:20:00+09:00',
      capacity: 2,
    });
  });
}

let now = AT.registration;
let h: Harness;
let discord: FakeDiscord;
let close: () => Promise<void>;
/** The crowd's own pool: its transactions run beside the server's turns, as concurrent people would. */
let pool: pg.Pool;
let sql: SqlClient;

beforeAll(async () => {
  ({ h, discord, close } = await startOuenWithDiscord({ clock: () => now, env: { OUEN_PROGRAM_FILE: dayProgram() } }));
  pool = createSqlPool(h.db.connectionString, 8);
  sql = sqlClient(pool);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await close?.();
});

// ---------------------------------------------------------------- people and their chats

interface Person { participantId: string; lineUserId: string }

const named = {} as Record<'aoi' | 'ren' | 'sora' | 'mei' | 'yuki' | 'kai', LineUser>;
let hana: DmUser;
let crowd: Person[] = [];
const participantOf = new Map<string, string>();

async function send(event: unknown): Promise<void> {
  expect((await h.post(callbackBody(h.line.botUserId, event as never))).status).toBe(200);
  await h.settle();
}
const say = (user: LineUser, text: string) => send(user.text(text));
const tap = (user: LineUser, value: string) => send(user.choose(value));
const lastSaid = (user: LineUser) => botTexts(h.line, user.userId).at(-1) ?? '';
const allSaid = (user: LineUser) => botTexts(h.line, user.userId).join('\n');
/** Everything the bot answered the user's latest turn (a reply may hold several messages). */
async function answerTo(user: LineUser, value: string): Promise<string> {
  const before = botTexts(h.line, user.userId).length;
  await tap(user, value);
  return botTexts(h.line, user.userId).slice(before).join('\n');
}

/** The button values (postback data without the `c:` prefix) in a bot message. */
function buttonsIn(message: unknown): string[] {
  return [...JSON.stringify(message).matchAll(/"data":"c:([^"]+)"/g)].map((m) => m[1]!);
}
const lastButtons = (user: LineUser) => buttonsIn(h.line.botMessages(user.userId).at(-1));
const button = (user: LineUser, prefix: string) => {
  const found = lastButtons(user).find((v) => v.startsWith(prefix));
  expect(found, `a ${prefix} button for ${user.userId}`).toBeDefined();
  return found!;
};

/** What LINE delivered by push or multicast since `mark` (an index into its request log), per recipient. */
function deliveredSince(mark: number): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  for (const r of h.line.requests.slice(mark)) {
    if (r.status !== 200 || (r.path !== '/v2/bot/message/push' && r.path !== '/v2/bot/message/multicast')) continue;
    const body = r.body as { to: string | string[]; messages: unknown[] };
    const texts = body.messages.map((m) => JSON.stringify(m));
    for (const to of [body.to].flat()) byUser.set(to, [...(byUser.get(to) ?? []), ...texts]);
  }
  return byUser;
}
/** The LINE users among `users` who got a message containing `words` since `mark`. */
function reached(mark: number, words: string, users: Iterable<string> = allLineUsers()): Set<string> {
  const byUser = deliveredSince(mark);
  return new Set([...users].filter((u) => byUser.get(u)?.some((text) => text.includes(words))));
}
const allLineUsers = () => [...Object.values(named).map((u) => u.userId), ...crowd.map((p) => p.lineUserId)];
const lineUserOf = (participantId: string) => [...participantOf].find(([, p]) => p === participantId)?.[0];

/** Waits until the outbox has nothing left to deliver (the worker pushed or replied everything). */
async function delivered(): Promise<void> {
  await eventually(async () => (await h.db.prisma.outboxMessage.count({ where: { status: 'pending' } })) === 0, 20_000);
}

/** The clock moves to `at`; the worker fires what is due by then and delivers it. */
async function clockTo(at: Date): Promise<number> {
  now = at;
  const mark = h.line.requests.length;
  await fireDueSchedules(h.ouen.delivery!.schedules, h.db.prisma, at);
  await delivered();
  return mark;
}

/** Runs a service in a transaction of the crowd's pool, appending its audit entries as a turn does. */
function audited<T extends { audit: AuditEntry[] }>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
  return transactOn(pool)(async (tx) => {
    const outcome = await work(tx);
    await appendAudit(tx, outcome.audit, now);
    return outcome;
  });
}

function tally<T extends { outcome: string }>(outcomes: T[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.outcome] = (counts[o.outcome] ?? 0) + 1;
  return counts;
}

const program = () => h.ouen.program;
const eventId = () => program().event!.id;
const seminarRulesNow = () => seminarRules(program())!;
const boothRules = () => rulesOf(program().booths!);
const slotsOf = (boothId: string) => boothSlots(program().booths!.booths.find((b) => b.id === boothId)!);
const bookingOf = (participantId: string, seminarId: string) =>
  h.db.prisma.seminarBooking.findFirstOrThrow({ where: { participantId, seminarId }, orderBy: { createdAt: 'desc' } });

async function registerOnLine(user: LineUser, name: string, email: string): Promise<void> {
  await say(user, '参加登録');
  await tap(user, 'yes');
  await tap(user, 'founder');
  await say(user, name);
  await tap(user, 'event-skip');
  await say(user, email);
  await tap(user, 'poster');
  await tap(user, 'event-register');
  expect(allSaid(user)).toContain('参加登録が完了しました');
}

// ---------------------------------------------------------------- the day

describe('the Grand Meetup, from registration to the day', () => {
  it('registers 500 attendees: six on LINE and one in Discord DMs through the pipeline, the rest at once through the service', async () => {
    for (const name of ['aoi', 'ren', 'sora', 'mei', 'yuki', 'kai'] as const) named[name] = new LineUser(h.line);
    await Promise.all(Object.entries(named).map(([name, user]) => registerOnLine(user, `千葉 ${name}`, `${name}@example.jp`)));

    hana = new DmUser(discord);
    await hana.write('参加登録');
    await hana.click('yes');
    await hana.click('student');
    await hana.write('市川 花子');
    await hana.click('event-skip');
    await hana.write('hana@example.jp');
    await hana.click('sns');
    await hana.click('event-register');
    await eventually(() => hana.said().includes('参加登録が完了しました'));

    const count = ATTENDEES - Object.keys(named).length - 1;
    const lineUserIds = Array.from({ length: count }, () => h.line.createUser({ displayName: '参加者', language: 'ja' }).userId);
    await h.db.prisma.participant.createMany({ data: lineUserIds.map((lineUserId) => ({ lineUserId, language: 'ja', createdAt: now, updatedAt: now })) });
    const rows = await h.db.prisma.participant.findMany({ where: { lineUserId: { in: lineUserIds } }, select: { id: true, lineUserId: true } });
    const idOf = new Map(rows.map((r) => [r.lineUserId!, r.id]));
    crowd = lineUserIds.map((lineUserId) => ({ lineUserId, participantId: idOf.get(lineUserId)! }));
    for (const user of Object.values(named)) {
      participantOf.set(user.userId, (await h.db.prisma.participant.findUniqueOrThrow({ where: { lineUserId: user.userId } })).id);
    }
    for (const p of crowd) participantOf.set(p.lineUserId, p.participantId);

    const outcomes = await Promise.all(crowd.map((p, i) => audited((tx) => registerForEvent(tx, h.ouen.sealer, {
      eventId: eventId(), participantId: p.participantId, attendeeType: i % 3 === 0 ? 'aspiring-founder' : 'founder',
      answers: eventAnswers(`参加者 ${i}`, `p${i}@example.jp`), now, actor: `line:${p.participantId}`,
    }))));
    expect(tally(outcomes)).toEqual({ registered: count });

    const event = await h.db.prisma.event.findUniqueOrThrow({ where: { id: eventId() } });
    expect(event).toMatchObject({ capacity: ATTENDEES, registeredCount: ATTENDEES });
    expect(await h.db.prisma.eventRegistration.count({ where: { status: 'registered' } })).toBe(ATTENDEES);
  }, 60_000);

  it('fills the two-seat clinic through the pipeline, then queues the next people in join order, positions shown', async () => {
    now = AT.seminars;
    const { aoi, ren, sora, mei, yuki, kai } = named;
    for (const user of [aoi, ren]) {
      await say(user, 'セミナー予約');
      expect(lastButtons(user)).toContain('seminar-pick:clinic');
      await tap(user, 'seminar-pick:clinic');
      await tap(user, 'seminar-book:clinic');
      expect(lastSaid(user)).toContain('「ピッチ・クリニック ― 3分で伝える事業計画」を予約しました');
    }
    for (const [i, user] of [sora, mei, yuki, kai].entries()) {
      await say(user, 'セミナー予約');
      expect(lastSaid(user)).toContain(`満席（キャンセル待ち${i}人）`);
      await tap(user, 'seminar-pick:clinic');
      await tap(user, 'seminar-book:clinic');
      expect(lastSaid(user)).toContain(`キャンセル待ち（${i + 1}番目）で受け付けました`);
    }
    await hana.write('セミナー予約');
    await hana.click('seminar-pick:clinic');
    await hana.click('seminar-book:clinic');
    await eventually(() => hana.said().includes('キャンセル待ち（5番目）'));

    const clinic = await h.db.prisma.seminar.findUniqueOrThrow({ where: { id: 'clinic' } });
    expect(clinic.heldCount).toBe(2);
  }, 30_000);

  it('gives the crowd\'s seminar rush no seat twice: counters equal the rows, never over capacity, double taps answered "already"', async () => {
    const groups = {
      funding: crowd.slice(0, CROWD.funding),
      marketing: crowd.slice(CROWD.funding, CROWD.funding + CROWD.marketing),
      'founder-talk': crowd.slice(CROWD.funding + CROWD.marketing, CROWD.funding + CROWD.marketing + CROWD.founderTalk),
    };
    const attempts = Object.entries(groups).flatMap(([seminarId, people]) => people.map((p) => ({ seminarId, p })));
    // Some tap twice at once.
    attempts.push(...groups.funding.slice(0, DOUBLE_TAPS).map((p) => ({ seminarId: 'funding', p })));
    const outcomes = await Promise.all(attempts.map(({ seminarId, p }) => audited((tx) => bookSeminar(tx, seminarRulesNow(), {
      seminarId, participantId: p.participantId, now, actor: `line:${p.participantId}`,
    }))));
    expect(tally(outcomes)).toEqual({ booked: 60 + 50 + 40, waitlisted: (150 - 60) + (100 - 50) + (60 - 40), already: DOUBLE_TAPS });
    for (const [seminarId, people] of Object.entries(groups)) {
      expect(await h.db.prisma.seminarBooking.count({ where: { seminarId } })).toBe(people.length);
    }
    await expectSeatsConsistent();
  }, 30_000);

  it('offers the seat aoi gives up to sora, first in line, by push through the worker; sora accepts from the pushed buttons', async () => {
    const { aoi, sora } = named;
    now = new Date(AT.seminars.getTime() + 10 * MINUTE);
    const mark = h.line.requests.length;
    await say(aoi, 'セミナー予約確認');
    await tap(aoi, button(aoi, 'seminar-cancel:'));
    await tap(aoi, 'yes');
    expect(lastSaid(aoi)).toContain('予約をキャンセルしました');
    await delivered();
    const offer = deliveredSince(mark).get(sora.userId) ?? [];
    expect(offer.join()).toContain('お席をご用意しました');
    const accept = buttonsIn(offer.map((m) => JSON.parse(m))).find((v) => v.startsWith('seminar-accept:'))!;
    expect(accept).toBe(`seminar-accept:${(await bookingOf(participantOf.get(sora.userId)!, 'clinic')).id}`);
    // Nobody else was told anything.
    expect([...deliveredSince(mark).keys()]).toEqual([sora.userId]);

    now = new Date(now.getTime() + 20 * MINUTE);
    await tap(sora, accept);
    expect(lastSaid(sora)).toContain('ご予約が確定しました');
    expect(await bookingOf(participantOf.get(sora.userId)!, 'clinic')).toMatchObject({ status: 'booked', offerExpiresAt: null });
    const expiry = await h.db.prisma.schedule.findUniqueOrThrow({ where: { dedupeKey: offerExpiryKey((await bookingOf(participantOf.get(sora.userId)!, 'clinic')).id) } });
    expect(expiry.status).toBe('cancelled');
  }, 30_000);

  it('moves a declined offer on: ren cancels, mei is offered and declines, yuki is offered', async () => {
    const { ren, mei, yuki } = named;
    now = new Date(now.getTime() + 10 * MINUTE);
    let mark = h.line.requests.length;
    await say(ren, 'セミナー予約確認');
    await tap(ren, button(ren, 'seminar-cancel:'));
    await tap(ren, 'yes');
    await delivered();
    expect(reached(mark, 'お席をご用意しました')).toEqual(new Set([mei.userId]));

    now = new Date(now.getTime() + 30 * MINUTE);
    mark = h.line.requests.length;
    const offered = await bookingOf(participantOf.get(mei.userId)!, 'clinic');
    await tap(mei, `seminar-cancel:${offered.id}`);
    expect(lastSaid(mei)).toContain('お席を辞退しますか');
    await tap(mei, 'yes');
    expect(lastSaid(mei)).toContain('お席を辞退しました');
    await delivered();
    expect(reached(mark, 'お席をご用意しました')).toEqual(new Set([yuki.userId]));
    expect(await bookingOf(participantOf.get(mei.userId)!, 'clinic')).toMatchObject({ status: 'declined' });
    expect(await bookingOf(participantOf.get(yuki.userId)!, 'clinic')).toMatchObject({ status: 'offered' });
  }, 30_000);

  it('offers seats freed in the crowd\'s seminar to the first people waiting, in join order, who accept', async () => {
    // Through the services, as the crowd came: the offers are rows with their expiry schedules;
    // telling people is the turn's part (the named people above are told through the outbox).
    const waitingBefore = await h.db.prisma.seminarBooking.findMany({ where: { seminarId: 'funding', status: 'waitlisted' }, orderBy: { joinOrder: 'asc' } });
    const holders = await h.db.prisma.seminarBooking.findMany({ where: { seminarId: 'funding', status: 'booked' }, take: FUNDING_CANCELS, orderBy: { joinOrder: 'desc' } });
    const cancels = await Promise.all(holders.map((b) => audited((tx) => cancelSeminarBooking(tx, seminarRulesNow(), {
      participantId: b.participantId, bookingId: b.id, now, actor: `line:${b.participantId}`,
    }))));
    expect(tally(cancels)).toEqual({ cancelled: FUNDING_CANCELS });
    const offeredTo = cancels.flatMap((c) => ('offers' in c ? c.offers : []).map((o) => o.participantId));
    expect(new Set(offeredTo)).toEqual(new Set(waitingBefore.slice(0, FUNDING_CANCELS).map((b) => b.participantId)));

    const offers = await h.db.prisma.seminarBooking.findMany({ where: { seminarId: 'funding', status: 'offered' } });
    const accepted = await Promise.all(offers.map((b) => audited((tx) => acceptSeminarOffer(tx, seminarRulesNow(), {
      participantId: b.participantId, bookingId: b.id, now, actor: `line:${b.participantId}`,
    }))));
    expect(tally(accepted)).toEqual({ booked: FUNDING_CANCELS });
    await expectSeatsConsistent();
  }, 30_000);

  it('lets yuki\'s offer run out: the worker\'s expiry schedule fires, yuki is told, kai is offered and accepts', async () => {
    const { yuki, kai } = named;
    const offer = await bookingOf(participantOf.get(yuki.userId)!, 'clinic');
    const expiry = await h.db.prisma.schedule.findUniqueOrThrow({ where: { dedupeKey: offerExpiryKey(offer.id) } });
    // The hold ends at night: the schedule waits for the end of quiet hours.
    expect(offer.offerExpiresAt!.getTime()).toBe(offer.offeredAt!.getTime() + 12 * 60 * MINUTE);
    expect(expiry.runAt.getTime()).toBeGreaterThanOrEqual(offer.offerExpiresAt!.getTime());

    // A minute before: nothing happens.
    let mark = await clockTo(new Date(expiry.runAt.getTime() - MINUTE));
    expect(await bookingOf(participantOf.get(yuki.userId)!, 'clinic')).toMatchObject({ status: 'offered' });
    expect(deliveredSince(mark).size).toBe(0);

    mark = await clockTo(expiry.runAt);
    expect(await bookingOf(participantOf.get(yuki.userId)!, 'clinic')).toMatchObject({ status: 'expired' });
    expect(reached(mark, '回答期限が過ぎたため')).toEqual(new Set([yuki.userId]));
    expect(reached(mark, 'お席をご用意しました')).toEqual(new Set([kai.userId]));

    now = new Date(now.getTime() + 15 * MINUTE);
    const accept = buttonsIn(deliveredSince(mark).get(kai.userId)!.map((m) => JSON.parse(m))).find((v) => v.startsWith('seminar-accept:'))!;
    await tap(kai, accept);
    expect(lastSaid(kai)).toContain('ご予約が確定しました');

    // hana, in Discord, is now first in line.
    const hanaId = (await h.db.prisma.participant.findUniqueOrThrow({ where: { discordUserId: hana.id } })).id;
    expect((await loadLiveBookings(sql, [hanaId])).get(hanaId)).toEqual([expect.objectContaining({ seminarId: 'clinic', status: 'waitlisted', position: 1 })]);
    const clinic = await h.db.prisma.seminarBooking.findMany({ where: { seminarId: 'clinic' }, orderBy: { joinOrder: 'asc' } });
    const who = new Map([...Object.entries(named).map(([n, u]) => [participantOf.get(u.userId)!, n] as const), [hanaId, 'hana'] as const]);
    expect(clinic.map((b) => [who.get(b.participantId), b.status])).toEqual([
      ['aoi', 'cancelled'], ['ren', 'cancelled'], ['sora', 'booked'], ['mei', 'declined'], ['yuki', 'expired'], ['kai', 'booked'], ['hana', 'waitlisted'],
    ]);
  }, 30_000);

  it('books consultations with an intake through the pipeline; aoi moves hers, ren cancels', async () => {
    now = AT.consultations;
    const { aoi, ren } = named;
    const [funding0, funding1] = slotsOf('funding');
    const yorozu0 = slotsOf('yorozu')[0]!;
    for (const [user, booth, slot, intake] of [
      [aoi, 'funding', funding0!, '創業融資の申し込みの流れを知りたい'],
      [ren, 'yorozu', yorozu0, '販路開拓の進め方を相談したい'],
    ] as const) {
      await say(user, '相談予約');
      await tap(user, `consult-booth:${booth}`);
      await tap(user, `consult-slot:${slot.id}`);
      expect(lastSaid(user)).toContain('相談したいか');
      await say(user, intake);
      await tap(user, 'consult-book');
      expect(allSaid(user)).toContain('個別相談を予約しました');
    }
    const aoiId = participantOf.get(aoi.userId)!;
    const booked = await h.db.prisma.consultation.findFirstOrThrow({ where: { participantId: aoiId } });
    expect(booked.slotId).toBe(funding0!.id);

    now = new Date(now.getTime() + 30 * MINUTE);
    await say(aoi, '相談予約確認');
    await tap(aoi, `consult-move:${booked.id}`);
    await tap(aoi, `consult-slot:${funding1!.id}`);
    const moved = await answerTo(aoi, 'yes');
    expect(moved).toContain('予約の時間を変更しました');
    expect(moved).toContain('1月23日(土) 13:50–14:10');

    await say(ren, '相談予約確認');
    const renBooking = await h.db.prisma.consultation.findFirstOrThrow({ where: { participantId: participantOf.get(ren.userId)! } });
    await tap(ren, `consult-cancel:${renBooking.id}`);
    expect(await answerTo(ren, 'yes')).toContain('個別相談の予約をキャンセルしました');

    const aoiRows = await h.db.prisma.consultation.findMany({ where: { participantId: aoiId }, orderBy: { createdAt: 'asc' } });
    expect(aoiRows.map((c) => [c.slotId, c.status])).toEqual([[funding0!.id, 'moved'], [funding1!.id, 'booked']]);
    expect(aoiRows[0]!.movedToId).toBe(aoiRows[1]!.id);
    // The intake went along, sealed.
    expect(aoiRows[1]!.intakeSealed).not.toContain('創業融資');
    expect(h.ouen.sealer.open(aoiRows[1]!.intakeSealed, intakeContext(aoiRows[1]!.id))).toBe('創業融資の申し込みの流れを知りたい');
    expect(await h.db.prisma.consultation.findUniqueOrThrow({ where: { id: renBooking.id } })).toMatchObject({ status: 'cancelled' });
  }, 30_000);

  it('gives the crowd\'s rush for the booths\' slots every place once and no place twice', async () => {
    const slots = ['funding', 'yorozu', 'tax-labour'].flatMap((b) => slotsOf(b));
    const people = crowd.slice(CROWD.funding + CROWD.marketing + CROWD.founderTalk).slice(0, CROWD.consult);
    const outcomes = await Promise.all(people.map((p, i) => audited((tx) => bookConsultation(tx, h.ouen.sealer, {
      eventId: eventId(), participantId: p.participantId, slotId: slots[i % slots.length]!.id, intake: `相談 ${i}`, rules: boothRules(), now, actor: `line:${p.participantId}`,
    }))));
    const places = (await h.db.prisma.boothSlot.findMany()).reduce((sum, s) => sum + s.capacity, 0);
    // Every slot had more takers than places; aoi holds one place already.
    expect(tally(outcomes)).toEqual({ booked: places - 1, full: CROWD.consult - (places - 1) });
    await expectSlotsConsistent();
  }, 30_000);

  it('reminds the 500 registered of the event the day before: 499 on LINE (by multicast), hana in Discord', async () => {
    const dmBefore = hana.answers().length;
    const mark = await clockTo(AT.eventDayBefore);
    expect(reached(mark, '明日は「ちば起業家大交流会 2026」です')).toEqual(new Set(allLineUsers()));
    expect(h.line.requests.slice(mark).filter((r) => r.path === '/v2/bot/message/multicast').length).toBeGreaterThan(0);
    await eventually(() => hana.answers().slice(dmBefore).some((b) => (b.content ?? '').includes('明日は「ちば起業家大交流会 2026」です')));
  }, 30_000);

  it('reminds those booked of their seminars and consultations the day before; cancelled, moved, declined and expired bookings get nothing', async () => {
    const mark = await clockTo(AT.dayBefore);
    for (const seminar of program().seminars!.list) {
      const booked = await h.db.prisma.seminarBooking.findMany({ where: { seminarId: seminar.id, status: 'booked' } });
      expect(booked.length).toBeGreaterThan(0);
      const expected = new Set(booked.map((b) => lineUserOf(b.participantId)!));
      expect(reached(mark, `明日は「${seminar.title.ja}」です`), seminar.id).toEqual(expected);
    }
    const { aoi, ren, sora, mei, yuki, kai } = named;
    expect(reached(mark, 'ピッチ・クリニック ― 3分で伝える事業計画」です', [aoi, ren, mei, yuki].map((u) => u.userId)).size).toBe(0);
    expect(reached(mark, 'ピッチ・クリニック ― 3分で伝える事業計画」です', [sora, kai].map((u) => u.userId)).size).toBe(2);

    const consulting = await h.db.prisma.consultation.findMany({ where: { status: 'booked' } });
    expect(reached(mark, '」の個別相談です')).toEqual(new Set(consulting.map((c) => lineUserOf(c.participantId)!)));
    // aoi is reminded of the new time only; ren of nothing.
    const aoiTexts = (deliveredSince(mark).get(aoi.userId) ?? []).filter((t) => t.includes('個別相談です'));
    expect(aoiTexts).toHaveLength(1);
    expect(aoiTexts[0]).toContain('13:50–14:10');
    expect(reached(mark, '個別相談', [ren.userId]).size).toBe(0);
  }, 30_000);

  it('reminds everyone registered shortly before the event starts', async () => {
    const mark = await clockTo(AT.eventSoon);
    expect(reached(mark, '「ちば起業家大交流会 2026」はまもなく始まります')).toEqual(new Set(allLineUsers()));
  }, 30_000);

  it('reminds those booked shortly before their seminar or slot, the moved booking at its new time only', async () => {
    const { aoi, sora, kai } = named;
    const [funding0, funding1] = slotsOf('funding');
    let mark = await clockTo(AT.firstSessionsSoon);
    expect(reached(mark, '「ピッチ・クリニック ― 3分で伝える事業計画」はまもなく始まります')).toEqual(new Set([sora.userId, kai.userId]));
    const fundingSeminar = await h.db.prisma.seminarBooking.findMany({ where: { seminarId: 'funding', status: 'booked' } });
    expect(reached(mark, '「創業資金の集め方 ― 融資・補助金・出資の基礎」はまもなく始まります')).toEqual(new Set(fundingSeminar.map((b) => lineUserOf(b.participantId)!)));
    const firstSlots = await h.db.prisma.consultation.findMany({ where: { status: 'booked', slotId: { in: [funding0!.id, slotsOf('yorozu')[0]!.id] } } });
    expect(firstSlots.length).toBe(3);
    expect(reached(mark, '個別相談がまもなく始まります')).toEqual(new Set(firstSlots.map((c) => lineUserOf(c.participantId)!)));
    expect(reached(mark, '個別相談', [aoi.userId]).size).toBe(0);

    mark = await clockTo(AT.secondSlotSoon);
    const second = await h.db.prisma.consultation.findMany({ where: { status: 'booked', slotId: funding1!.id } });
    expect(second.map((c) => c.participantId)).toEqual([participantOf.get(aoi.userId)]);
    expect(reached(mark, '個別相談がまもなく始まります')).toEqual(new Set([aoi.userId]));
  }, 30_000);

  it('ends with exact counts, nothing overbooked, the waitlists in join order, and `ouen stats --json` agreeing', async () => {
    await expectSeatsConsistent();
    await expectSlotsConsistent();
    await delivered();
    const event = await h.db.prisma.event.findUniqueOrThrow({ where: { id: eventId() } });
    expect(event.registeredCount).toBe(await h.db.prisma.eventRegistration.count({ where: { status: 'registered' } }));

    // Waitlists: join order unique, positions 1 … n in that order.
    for (const seminarId of ['funding', 'marketing', 'founder-talk', 'clinic']) {
      const waiting = await h.db.prisma.seminarBooking.findMany({ where: { seminarId, status: 'waitlisted' }, orderBy: { joinOrder: 'asc' } });
      const live = await loadLiveBookings(sql, waiting.map((b) => b.participantId));
      expect(waiting.map((b) => live.get(b.participantId)!.find((x) => x.seminarId === seminarId)!.position), seminarId).toEqual(waiting.map((_, i) => i + 1));
    }

    const stats = await collectStats(sql, program().contest.id, statsEventOf(program()), statsConsultationsOf(program()));
    const seminars = await seminarStats(sql, program().seminars);
    const places = (await h.db.prisma.boothSlot.findMany()).reduce((sum, s) => sum + s.capacity, 0);
    expect(stats.event).toEqual({ capacity: ATTENDEES, registered: ATTENDEES, waitlisted: 0, cancelled: 0 });
    expect(stats.participants).toEqual({ total: ATTENDEES, unreachable: 0 });
    expect(stats.consultations).toEqual({ slots: slotsOf('funding').length + slotsOf('yorozu').length + slotsOf('tax-labour').length, booked: places, noShows: 0 });
    expect(stats.outbox).toMatchObject({ pending: 0, failed: 0, held: 0 });
    expect(seminars).toEqual([
      { id: 'funding', capacity: 60, booked: 60, waitlisted: CROWD.funding - 60 - FUNDING_CANCELS },
      { id: 'marketing', capacity: 50, booked: 50, waitlisted: CROWD.marketing - 50 },
      { id: 'founder-talk', capacity: 40, booked: 40, waitlisted: CROWD.founderTalk - 40 },
      { id: 'clinic', capacity: 2, booked: 2, waitlisted: 1 },
    ]);
    // Each figure is the database's own count.
    for (const s of seminars) {
      expect(await h.db.prisma.seminarBooking.count({ where: { seminarId: s.id, status: 'booked' } })).toBe(s.booked);
      expect(await h.db.prisma.seminarBooking.count({ where: { seminarId: s.id, status: 'waitlisted' } })).toBe(s.waitlisted);
    }
    expect(await h.db.prisma.consultation.count({ where: { status: 'booked' } })).toBe(places);
  }, 30_000);
});

/** Every seminar's counter equals its seats held (booked or offered), never above capacity; one live booking per person. */
async function expectSeatsConsistent(): Promise<void> {
  const seminars = await h.db.prisma.seminar.findMany({ include: { bookings: true } });
  for (const s of seminars) {
    const held = s.bookings.filter((b) => b.status === 'booked' || b.status === 'offered').length;
    expect(s.heldCount, s.id).toBe(held);
    expect(held, s.id).toBeLessThanOrEqual(s.capacity);
    const live = s.bookings.filter((b) => ['booked', 'waitlisted', 'offered'].includes(b.status)).map((b) => b.participantId);
    expect(new Set(live).size, s.id).toBe(live.length);
    expect(new Set(s.bookings.map((b) => b.joinOrder)).size, s.id).toBe(s.bookings.length);
  }
}

/** Every slot's counter equals its consultations holding a place, never above capacity. */
async function expectSlotsConsistent(): Promise<void> {
  const slots = await h.db.prisma.boothSlot.findMany({ include: { consultations: true } });
  for (const slot of slots) {
    const held = slot.consultations.filter((c) => c.status === 'booked' || c.status === 'noShow').length;
    expect(slot.bookedCount, slot.id).toBe(held);
    expect(held, slot.id).toBeLessThanOrEqual(slot.capacity);
  }
}
