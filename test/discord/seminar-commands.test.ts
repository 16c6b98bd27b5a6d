/**
 * `/seminars` through real discord.js against the fake Discord (requests validated
 * against Discord's spec), on real PostgreSQL: the list in figures, one seminar's people
 * by reference (names only for roles that may see them, the view audited), waitlist
 * moves, capacity, time and room changes (audited) with their refusals, a time change's
 * notice held as an approval until an approver other than the drafter approves it, and the
 * seminar and booth rosters as CSV.
 */
import { randomBytes } from 'node:crypto';
import { MessageFlags, type Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachStaffCommands } from '../../bot/discord/staff-bot.ts';
import { runStaffCommand, staffDepsOn, type StaffDeps, type StaffRequest } from '../../bot/staff/staff-commands.ts';
import { bookConsultation } from '../../core/consultations/book-consultation.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { registerForEvent } from '../../core/events/register-for-event.ts';
import { createLogger } from '../../core/logger.ts';
import { bookSeminar } from '../../core/seminars/book-seminar.ts';
import { seminarRules } from '../../core/seminars/seminar-rules.ts';
import { syncSeminars } from '../../core/seminars/sync-seminars.ts';
import { roleMappingSchema, type Role } from '../../core/staff/permissions.ts';
import { rules as boothRules, slotsOf, syncAll } from '../support/booth-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventAnswers, newParticipant, REGISTRATION_OPEN } from '../support/event-fixtures.ts';
import { buttonClick, connectClient, modalSubmit, selectPick, slashCommand, snowflake, startFakeDiscord, type FakeDiscord, type RecordedDiscordRequest } from '../support/fake-discord.ts';
import { program } from '../support/flow-harness.ts';
import { BEFORE_SEMINARS } from '../support/seminar-fixtures.ts';

const ROLE = { viewer: snowflake(), approver: snowflake(), staff: snowflake() };
const roleMapping = roleMappingSchema.parse({ viewer: [ROLE.viewer], approver: [ROLE.approver], staff: [ROLE.staff] });
const sealer = new Sealer(randomBytes(32));
const event = program.event!;
const rules = seminarRules(program)!;
const now = BEFORE_SEMINARS;
const STAFF_USER = snowflake();

let db: TestDatabase;
let discord: FakeDiscord;
let client: Client;
let deps: StaffDeps;
/** Booking ids of funding's people: Taro booked, then Hanako, Jiro, Saburo waiting. */
const funding: Record<string, string> = {};
let taro: string;

async function person(name: string): Promise<string> {
  const participantId = await newParticipant(db.prisma);
  await transactOn(db.sql)((tx) => registerForEvent(tx, sealer, {
    eventId: event.id, participantId, attendeeType: 'founder', answers: eventAnswers(name), now: REGISTRATION_OPEN, actor: 'test',
  }));
  return participantId;
}

async function book(seminarId: string, participantId: string): Promise<string> {
  const outcome = await transactOn(db.sql)((tx) => bookSeminar(tx, rules, { seminarId, participantId, now, actor: 'test' }));
  if (!('bookingId' in outcome)) throw new Error(`not booked: ${outcome.outcome}`);
  return outcome.bookingId;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await syncAll(db.sql, sealer);
  await syncSeminars(transactOn(db.sql), rules, program.seminars!, now);
  deps = staffDepsOn(db.sql, { sealer, program, clock: () => now });
  discord = await startFakeDiscord();
  client = await connectClient(discord, (c) => attachStaffCommands({
    client: c, roleMapping, logger: createLogger('silent'), run: (request) => runStaffCommand(deps, request),
  }));
}, 60_000);

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
  await db?.drop();
});

type Answer = {
  content?: string;
  embeds: Array<{ title: string; description?: string; fields?: Array<{ name: string; value: string }> }>;
  components?: Array<{ components: Array<{ custom_id: string; label?: string; options?: Array<{ value: string }> }> }>;
};

async function answerOf(interaction: { id: string; token: string }): Promise<{ body: Answer; request: RecordedDiscordRequest }> {
  discord.dispatch('INTERACTION_CREATE', interaction);
  const ack = await discord.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
  expect(ack.body).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
  const request = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${discord.applicationId}/${interaction.token}/messages/@original`);
  return { body: request.body as Answer, request };
}

const SUBCOMMAND = 1;
const STRING = 3;
const INTEGER = 4;
const seminars = (roleIds: string[], sub: string, options: Array<{ name: string; type: number; value: string | number }> = [], userId = snowflake()) =>
  answerOf(slashCommand({ applicationId: discord.applicationId, name: 'seminars', userId, roleIds, options: [{ name: sub, type: SUBCOMMAND, options }] }));
const seminarOption = (id: string) => ({ name: 'seminar', type: STRING, value: id });
const click = (customId: string, roleIds: string[], userId = snowflake()) => answerOf(buttonClick({ applicationId: discord.applicationId, customId, userId, roleIds }));
const components = (answer: Answer) => (answer.components ?? []).flatMap((row) => row.components);
const run = (roles: Role[], command: StaffRequest['command'], actor = 'console:staff') => runStaffCommand(deps, { actor, roles, language: 'ja', command });

describe('/seminars in Discord', () => {
  it('shows every seminar in figures with a pick that opens one', async () => {
    const { body } = await seminars([ROLE.staff], 'list');
    expect(body.embeds[0]!.title).toBe('セミナー');
    expect(body.embeds[0]!.description).toContain('創業資金の集め方 ― 融資・補助金・出資の基礎（funding）13:30–14:20：定員 60 ・ 予約 0 ・ ご案内中 0 ・ キャンセル待ち 0');
    const pick = components(body).find((c) => c.custom_id === 'ouen:seminar')!;
    expect(pick.options!.map((o) => o.value)).toEqual(['funding', 'marketing', 'founder-talk']);
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('lowers the capacity from Discord, refuses it below the seats held, and audits the change', async () => {
    taro = await person('千葉 太郎');
    funding.taro = await book('funding', taro);
    const refused = await seminars([ROLE.staff], 'capacity', [seminarOption('funding'), { name: 'seats', type: INTEGER, value: 0 }]);
    expect(refused.body.content).toBe('定員を予約・ご案内中の席数（1）より少なくはできません。先に予約の取り消しが必要です。');
    const { body } = await seminars([ROLE.staff], 'capacity', [seminarOption('funding'), { name: 'seats', type: INTEGER, value: 1 }], STAFF_USER);
    expect(body.embeds[0]!.description).toContain('定員を変更しました（記録済み）。');
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'seminar.changed', actor: `discord:${STAFF_USER}` } });
    expect(audit.detail).toMatchObject({ fields: ['capacity'], before: { capacity: 60 }, after: { capacity: 1 } });
    for (const name of ['船橋 花子', '市川 次郎', '松戸 三郎']) funding[name] = await book('funding', await person(name));
  });

  it('shows staff the people with names and the waitlist in order, with move buttons, and audits the view', async () => {
    const viewer = snowflake();
    const opened = await answerOf(selectPick({ applicationId: discord.applicationId, customId: 'ouen:seminar', values: ['funding'], userId: viewer, roleIds: [ROLE.staff] }));
    const text = opened.body.embeds[0]!.description!;
    expect(text).toContain('定員 1 ・ 予約 1 ・ ご案内中 0 ・ キャンセル待ち 3');
    expect(text).toContain(`・${funding.taro!.slice(0, 8)} 千葉 太郎`);
    expect(text).toContain(`1. ${funding['船橋 花子']!.slice(0, 8)} 船橋 花子\n　2. ${funding['市川 次郎']!.slice(0, 8)} 市川 次郎\n　3. ${funding['松戸 三郎']!.slice(0, 8)} 松戸 三郎`);
    const ids = components(opened.body).map((c) => c.custom_id);
    expect(ids.slice(0, 2)).toEqual(['ouen:sform:funding', 'ouen:sroster:funding']);
    expect(ids).toContain(`ouen:smove:funding:${funding['松戸 三郎']}:2`);
    const viewed = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'seminar.peopleViewed', actor: `discord:${viewer}` } });
    expect(viewed.detail).toEqual({ people: 4, personal: true });
    expect(JSON.stringify(viewed.detail)).not.toContain('千葉');
  });

  it('shows the approver references without names or buttons, and refuses a viewer', async () => {
    const { body } = await seminars([ROLE.approver], 'show', [seminarOption('funding')]);
    const text = body.embeds[0]!.description!;
    expect(text).toContain(funding.taro!.slice(0, 8));
    expect(text).toContain('（氏名は管理者・スタッフのみ表示されます）');
    expect(text).not.toMatch(/千葉 太郎|船橋 花子/);
    expect(components(body)).toEqual([]);
    const refused = await seminars([ROLE.viewer], 'list');
    expect(refused.body.content).toBe('この操作（セミナーの予約状況）は管理者・スタッフ・県の承認者のロールが必要です。あなたのロール: 閲覧のみ。');
    const move = await click(`ouen:smove:funding:${funding['松戸 三郎']}:1`, [ROLE.approver]);
    expect(move.body.content).toContain('この操作（セミナーの変更（キャンセル待ちの順番・定員・時間・会場））は管理者・スタッフのロールが必要です。');
  });

  it('moves someone waiting by button and by reference, audited; refuses a booked person and a bad position', async () => {
    const moved = await click(`ouen:smove:funding:${funding['松戸 三郎']}:2`, [ROLE.staff], STAFF_USER);
    expect(moved.body.embeds[0]!.description).toContain(`${funding['松戸 三郎']!.slice(0, 8)} をキャンセル待ち 3 番目から 2 番目へ移動しました。`);
    const byReference = await seminars([ROLE.staff], 'move', [seminarOption('funding'), { name: 'waiting', type: STRING, value: funding['松戸 三郎']!.slice(0, 8) }, { name: 'position', type: INTEGER, value: 1 }]);
    expect(byReference.body.embeds[0]!.description).toContain(`1. ${funding['松戸 三郎']!.slice(0, 8)} 松戸 三郎`);
    const audit = await db.prisma.auditLog.findMany({ where: { action: 'seminar.waitlistReordered', entityId: funding['松戸 三郎'] }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.detail)).toEqual([{ seminarId: 'funding', from: 3, to: 2 }, { seminarId: 'funding', from: 2, to: 1 }]);
    const booked = await seminars([ROLE.staff], 'move', [seminarOption('funding'), { name: 'waiting', type: STRING, value: funding.taro!.slice(0, 8) }, { name: 'position', type: INTEGER, value: 1 }]);
    expect(booked.body.content).toBe(`${funding.taro!.slice(0, 8)} はこのセミナーのキャンセル待ちにいません（予約済み・ご案内中・取り消し済みか、参照番号の誤り）。`);
    const far = await run(['staff'], { name: 'seminarMove', seminarId: 'funding', booking: funding['市川 次郎']!, position: 9 });
    expect(far.text).toBe('順番はキャンセル待ちの人数の範囲で指定してください。');
  });

  it('raises the capacity: the seat goes to the first person waiting, told at once', async () => {
    const { body } = await seminars([ROLE.staff], 'capacity', [seminarOption('funding'), { name: 'seats', type: INTEGER, value: 2 }]);
    expect(body.embeds[0]!.description).toContain('空いた席を、キャンセル待ちの 1 名へ順にご案内しました。');
    expect(body.embeds[0]!.description).toContain(`・${funding['松戸 三郎']!.slice(0, 8)} 松戸 三郎（回答期限`);
    const offer = await db.prisma.outboxMessage.findFirstOrThrow({ where: { kind: 'seminar-offered', entityId: funding['松戸 三郎'] } });
    expect(offer.status).toBe('pending');
  });

  it('refuses bad input and a time that would overlap another seminar for people booked', async () => {
    expect((await run(['staff'], { name: 'changeSeminar', seminarId: 'funding', start: '25:00' })).text).toBe('時刻は「14:30」か「2027-01-23 14:30」の形（日本時間）で入力してください。');
    expect((await run(['staff'], { name: 'changeSeminar', seminarId: 'funding', capacity: 'many' })).text).toBe('定員は 0〜10000 の数字で入力してください。');
    expect((await run(['staff'], { name: 'changeSeminar', seminarId: 'funding', start: '2026-01-01 10:00' })).text).toBe('開始時刻は現在より後にしてください。');
    expect((await run(['staff'], { name: 'changeSeminar', seminarId: 'funding', start: '15:00', end: '14:00' })).text).toBe('開始は終了より前にしてください（定員は 0 以上）。');
    expect((await run(['staff'], { name: 'seminar', seminarId: 'nope' })).text).toBe('セミナー「nope」は見つかりません。セミナー: funding, marketing, founder-talk');
    await book('marketing', taro);
    const clash = await seminars([ROLE.staff], 'time', [seminarOption('funding'), { name: 'start', type: STRING, value: '14:30' }]);
    expect(clash.body.content).toBe('この時間にすると、予約者 1 名が別のセミナー（marketing）と重なるため変更できません。');
    expect(await db.prisma.approval.count({ where: { kind: 'seminar-change' } })).toBe(0);
  });
});

describe('a seminar time change, told through an approval', () => {
  let approvalId: string;

  it('changes the time at once and drafts the notice to everyone booked, offered or waiting, held', async () => {
    const { body } = await seminars([ROLE.staff], 'time', [seminarOption('funding'), { name: 'start', type: STRING, value: '11:00' }], STAFF_USER);
    const text = body.embeds[0]!.description!;
    expect(text).toContain('開始時刻・終了時刻を変更しました（記録済み）。');
    expect(text).toContain('時間変更のお知らせ（予約 1 名・ご案内中 1 名・キャンセル待ち 2 名あて）を作成しました。');
    expect(text).toContain('11:00–11:50');
    const approval = await db.prisma.approval.findFirstOrThrow({ where: { kind: 'seminar-change', status: 'awaiting' } });
    approvalId = approval.id;
    expect(approval).toMatchObject({ subject: 'seminar:funding', draftedBy: `discord:${STAFF_USER}`, messages: 4 });
    const rows = await db.prisma.outboxMessage.findMany({ where: { approvalId } });
    expect(rows.map((r) => r.status)).toEqual(Array(4).fill('held'));
    const drafted = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'seminar.noticeDrafted', entityId: approvalId } });
    expect(drafted.detail).toMatchObject({ seminarId: 'funding', booked: 1, offered: 1, waitlisted: 2 });
  });

  it('shows the approver the notice with its text in /approvals; staff may not approve, nor the drafter', async () => {
    const approvals = await answerOf(slashCommand({ applicationId: discord.applicationId, name: 'approvals', userId: snowflake(), roleIds: [ROLE.approver] }));
    const card = approvals.body.embeds.find((e) => e.title.startsWith('セミナー時間変更のお知らせ'))!;
    expect(card.title).toBe('セミナー時間変更のお知らせ: 創業資金の集め方 ― 融資・補助金・出資の基礎');
    expect(card.fields!.find((f) => f.name === '文面（日本語）')!.value).toContain('新しい時間: 2027年1月23日 11:00–11:50（会場: 会議室A（2階））\n変更前: 2027年1月23日 13:30–14:20');
    expect(components(approvals.body).map((c) => c.custom_id)).toEqual(expect.arrayContaining([`ouen:snapprove:${approvalId}`, `ouen:snreject:${approvalId}`]));
    const byStaff = await click(`ouen:snapprove:${approvalId}`, [ROLE.staff]);
    expect(byStaff.body.content).toContain('この操作（セミナー時間変更のお知らせの承認）は県の承認者のロールが必要です。');
    const byDrafter = await click(`ouen:snapprove:${approvalId}`, [ROLE.staff, ROLE.approver], STAFF_USER);
    expect(byDrafter.body.content).toBe('ご自身が作成したお知らせは承認できません。別の承認者が確認してください。');
    expect(await db.prisma.outboxMessage.count({ where: { approvalId, status: 'held' } })).toBe(4);
  });

  it('a second change supersedes the notice still awaiting approval, and keeps the time people last knew', async () => {
    const { body } = await seminars([ROLE.staff], 'time', [seminarOption('funding'), { name: 'start', type: STRING, value: '2027-01-23 10:00' }, { name: 'end', type: STRING, value: '2027-01-23 11:00' }], STAFF_USER);
    expect(body.embeds[0]!.description).toContain('承認待ちだった前回の時間変更のお知らせは取り下げ、今回のお知らせにまとめました。');
    expect(await db.prisma.approval.findUniqueOrThrow({ where: { id: approvalId } })).toMatchObject({ status: 'rejected', decidedBy: 'system:superseded' });
    expect(await db.prisma.outboxMessage.count({ where: { approvalId, status: 'skipped' } })).toBe(4);
    const next = await db.prisma.approval.findFirstOrThrow({ where: { kind: 'seminar-change', status: 'awaiting' } });
    approvalId = next.id;
    const notices = await run(['approver'], { name: 'seminarNotices' });
    expect(notices.cards![0]!.fields.find((f) => f.name === '文面（日本語）')!.value).toContain('新しい時間: 2027年1月23日 10:00–11:00（会場: 会議室A（2階））\n変更前: 2027年1月23日 13:30–14:20');
  });

  it('an approver other than the drafter approves: the held messages go out, audited', async () => {
    const approver = snowflake();
    const { body } = await click(`ouen:snapprove:${approvalId}`, [ROLE.approver], approver);
    expect(body.content).toBe('承認しました。4 通を送信します（その後セミナーを離れた 0 名には送りません）。');
    expect(await db.prisma.outboxMessage.count({ where: { approvalId, status: 'pending' } })).toBe(4);
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'approval.approved', entityId: approvalId } });
    expect(audit).toMatchObject({ actor: `discord:${approver}`, detail: { kind: 'seminar-change', messages: 4 } });
    const again = await click(`ouen:snreject:${approvalId}`, [ROLE.approver]);
    expect(again.body.content).toBe('このお知らせはすでに処理されています（approved）。');
  });

  it('changes the room without a notice, and opens the change form filled in', async () => {
    const { body } = await seminars([ROLE.staff], 'room', [seminarOption('funding'), { name: 'room', type: STRING, value: '大ホール' }]);
    expect(body.embeds[0]!.description).toContain('会場を変更しました（記録済み）。');
    expect(await db.prisma.approval.count({ where: { kind: 'seminar-change', status: 'awaiting' } })).toBe(0);
    const interaction = buttonClick({ applicationId: discord.applicationId, customId: 'ouen:sform:funding', userId: snowflake(), roleIds: [ROLE.staff] });
    discord.dispatch('INTERACTION_CREATE', interaction);
    const form = await discord.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
    expect(form.body).toMatchObject({ type: 9, data: { custom_id: 'ouen:schange:funding' } });
    expect(JSON.stringify(form.body)).toContain('2027-01-23 10:00');
    const submitted = await answerOf(modalSubmit({
      applicationId: discord.applicationId, customId: 'ouen:schange:funding', userId: snowflake(), roleIds: [ROLE.staff],
      values: { capacity: '3', start: '2027-01-23 10:00', end: '2027-01-23 11:00', roomJa: '大ホール', roomEn: 'Main hall' },
    }));
    expect(submitted.body.embeds[0]!.description).toContain('定員・会場を変更しました（記録済み）。');
    expect(discord.invalidRequests()).toEqual([]);
  });
});

describe('rosters as CSV', () => {
  it('hands staff the seminar roster with the waitlist positions, Excel-friendly, audited', async () => {
    const staffUser = snowflake();
    const { request } = await seminars([ROLE.staff], 'roster', [seminarOption('funding')], staffUser);
    expect(request.files!.map((f) => f.name)).toEqual(['seminar-roster-funding.csv']);
    const csv = request.files![0]!.content.toString('utf8');
    expect(csv.startsWith('\uFEFF予約ID,状態,待ち順,ご案内の期限,申込日時,')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines.slice(1).map((l) => l.split(',').slice(1, 3).join(','))).toEqual(['予約,', '席のご案内中,', '席のご案内中,', 'キャンセル待ち,1']);
    expect(csv).toContain('千葉 太郎');
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'seminar.rosterExported', actor: `discord:${staffUser}` } });
    expect(audit.detail).toEqual({ rows: 4, personal: true });
    const refused = await click('ouen:sroster:funding', [ROLE.approver]);
    expect(refused.body.content).toContain('この操作（セミナー参加者名簿（個人情報）の出力）は管理者・スタッフのロールが必要です。');
    expect(refused.request.files).toBeUndefined();
  });

  it('hands staff a booth\'s schedule with bookers and intakes, audited; refuses the approver', async () => {
    const participantId = await person('相談 花子');
    const slot = slotsOf('funding')[1]!;
    await transactOn(db.sql)((tx) => bookConsultation(tx, sealer, {
      eventId: event.id, participantId, slotId: slot.id, intake: '融資の=申込', rules: boothRules, now: new Date('2027-01-16T10:00:00+09:00'), actor: 'test',
    }));
    const staffUser = snowflake();
    const { request } = await answerOf(slashCommand({
      applicationId: discord.applicationId, name: 'booth', userId: staffUser, roleIds: [ROLE.staff],
      options: [{ name: 'booth', type: STRING, value: 'funding' }, { name: 'roster', type: 5, value: true }],
    }));
    expect(request.files!.map((f) => f.name)).toEqual(['booth-roster-funding.csv']);
    const csv = request.files![0]!.content.toString('utf8');
    expect(csv.startsWith('\uFEFF開始,終了,枠の状態,予約ID,状態,予約者,相談内容,予約日時')).toBe(true);
    expect(csv).toContain('相談 花子,融資の=申込');
    expect(csv.split('\r\n').filter((l) => l.includes(',空き,')).length).toBe(slotsOf('funding').length - 1);
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'booths.rosterExported', actor: `discord:${staffUser}` } });
    expect(audit.detail).toEqual({ eventId: event.id, consultations: 1, intake: true });
    const refused = await click('ouen:broster:funding', [ROLE.approver]);
    expect(refused.request.files).toBeUndefined();
    expect(refused.body.content).toContain('この操作（相談ブースの予約者名簿（個人情報）の出力）は管理者・スタッフのロールが必要です。');
  });
});
