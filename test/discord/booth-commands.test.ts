/**
 * `/booth` through real discord.js against the fake Discord, on real PostgreSQL: every
 * booth in figures to pick from; a booth's slots with bookings by anonymous reference,
 * names and intakes only for roles that may see personal data (the view audited); no-show
 * buttons for bookings that have begun, for roles that may mark one (audited); refusals.
 */
import { randomBytes } from 'node:crypto';
import { MessageFlags, type Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachStaffCommands } from '../../bot/discord/staff-bot.ts';
import { runStaffCommand, staffDepsOn, type StaffDeps } from '../../bot/staff/staff-commands.ts';
import { bookConsultation } from '../../core/consultations/book-consultation.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { registerForEvent } from '../../core/events/register-for-event.ts';
import { createLogger } from '../../core/logger.ts';
import { roleMappingSchema } from '../../core/staff/permissions.ts';
import { BOOKING_TIME, event, rules, slotsOf, syncAll } from '../support/booth-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventAnswers, newParticipant, REGISTRATION_OPEN } from '../support/event-fixtures.ts';
import { buttonClick, connectClient, selectPick, slashCommand, snowflake, startFakeDiscord, type FakeDiscord } from '../support/fake-discord.ts';
import { program } from '../support/flow-harness.ts';

const ROLE = { viewer: snowflake(), approver: snowflake(), staff: snowflake() };
const roleMapping = roleMappingSchema.parse({ viewer: [ROLE.viewer], approver: [ROLE.approver], staff: [ROLE.staff] });
const sealer = new Sealer(randomBytes(32));
const funding = slotsOf('funding');
/** On the day, ten minutes into the first slot. */
const DURING_FIRST = new Date(Date.parse(funding[0]!.startsAt) + 10 * 60_000);

let db: TestDatabase;
let discord: FakeDiscord;
let client: Client;
let deps: StaffDeps;
let firstBooking: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await syncAll(db.sql, sealer);
  const book = async (name: string, slotId: string, intake: string) => {
    const participantId = await newParticipant(db.prisma);
    await transactOn(db.sql)((tx) => registerForEvent(tx, sealer, {
      eventId: event.id, participantId, attendeeType: 'founder', answers: eventAnswers(name), now: REGISTRATION_OPEN, actor: 'test',
    }));
    const outcome = await transactOn(db.sql)((tx) => bookConsultation(tx, sealer, {
      eventId: event.id, participantId, slotId, intake, rules, now: BOOKING_TIME, actor: 'test',
    }));
    return (outcome as { consultationId: string }).consultationId;
  };
  firstBooking = await book('千葉 太郎', funding[0]!.id, '創業融資の**申込**について');
  await book('船橋 花子', funding[3]!.id, '運転資金の相談');
  deps = staffDepsOn(db.sql, { sealer, program, clock: () => DURING_FIRST });
  discord = await startFakeDiscord();
  client = await connectClient(discord, (c) => attachStaffCommands({
    client: c, roleMapping, logger: createLogger('silent'), run: (request) => runStaffCommand(deps, request),
  }));
});

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
  await db?.drop();
});

type Answer = {
  content?: string;
  embeds: Array<{ title: string; description?: string }>;
  components?: Array<{ components: Array<{ custom_id: string; label?: string; options?: Array<{ value: string }> }> }>;
};

async function answerOf(interaction: { id: string; token: string }): Promise<Answer> {
  discord.dispatch('INTERACTION_CREATE', interaction);
  const ack = await discord.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
  expect(ack.body).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
  const request = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${discord.applicationId}/${interaction.token}/messages/@original`);
  return request.body as Answer;
}

const STRING = 3;
const slash = (roleIds: string[], booth?: string, userId = snowflake()) => answerOf(slashCommand({
  applicationId: discord.applicationId, name: 'booth', userId, roleIds, options: booth ? [{ name: 'booth', type: STRING, value: booth }] : [],
}));
const components = (answer: Answer) => (answer.components ?? []).flatMap((row) => row.components);

describe('/booth in Discord', () => {
  it('shows every booth in figures with a pick that opens one', async () => {
    const overview = await slash([ROLE.staff]);
    expect(overview.embeds[0]!.title).toBe('相談ブース');
    expect(overview.embeds[0]!.description).toContain('日本政策金融公庫 千葉支店（funding）：2/12 枠予約・不参加 0');
    const pick = components(overview).find((c) => c.custom_id === 'ouen:booth')!;
    expect(pick.options!.map((o) => o.value)).toEqual(['funding', 'yorozu', 'tax-labour']);
    const opened = await answerOf(selectPick({ applicationId: discord.applicationId, customId: 'ouen:booth', values: ['yorozu'], userId: snowflake(), roleIds: [ROLE.staff] }));
    expect(opened.embeds[0]!.title).toBe('千葉県よろず支援拠点 の予約状況');
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('shows staff the bookers and intakes, as plain text, with a no-show button once a consultation has begun, and audits the view', async () => {
    const staffUser = snowflake();
    const body = await slash([ROLE.staff], 'funding', staffUser);
    const text = body.embeds[0]!.description!;
    expect(text).toContain('■ 13:30–13:50（1/1）');
    expect(text).toContain(`・${firstBooking.slice(0, 8)} 千葉 太郎`);
    expect(text).toContain('創業融資の\\*\\*申込\\*\\*について');
    expect(text).toContain('船橋 花子');
    expect(components(body).map((c) => c.custom_id)).toEqual(['ouen:broster:funding', `ouen:noshow:${firstBooking}`]);
    const viewed = await db.prisma.auditLog.findFirstOrThrow({ where: { action: 'booths.scheduleViewed', actor: `discord:${staffUser}` } });
    expect(viewed.detail).toEqual({ eventId: event.id, consultations: 2, personal: true });
    expect(JSON.stringify(viewed.detail)).not.toContain('千葉 太郎');
  });

  it('shows the prefecture\'s approver the schedule without names, intakes or buttons', async () => {
    const body = await slash([ROLE.approver], 'funding');
    const text = body.embeds[0]!.description!;
    expect(text).toContain(firstBooking.slice(0, 8));
    expect(text).toContain('予約者名と相談内容は管理者・スタッフのみ');
    expect(text).not.toMatch(/千葉 太郎|創業融資の|運転資金/);
    expect(components(body)).toEqual([]);
  });

  it('refuses a viewer with the reason, and names the booths for an unknown id', async () => {
    const refused = await slash([ROLE.viewer], 'funding');
    expect(refused.content).toBe('この操作（相談ブースの予約状況）は管理者・スタッフ・県の承認者のロールが必要です。あなたのロール: 閲覧のみ。');
    const unknown = await slash([ROLE.staff], 'nope');
    expect(unknown.content).toBe('ブース「nope」は見つかりません。ブース: funding, yorozu, tax-labour');
  });

  it('marks a no-show once, audited; refuses it to the approver and for a forged id', async () => {
    const approverClick = await answerOf(buttonClick({ applicationId: discord.applicationId, customId: `ouen:noshow:${firstBooking}`, userId: snowflake(), roleIds: [ROLE.approver] }));
    expect(approverClick.content).toContain('この操作（相談の不参加の記録）は管理者・スタッフのロールが必要です。');
    const staffUser = snowflake();
    const click = () => answerOf(buttonClick({ applicationId: discord.applicationId, customId: `ouen:noshow:${firstBooking}`, userId: staffUser, roleIds: [ROLE.staff] }));
    expect((await click()).content).toBe(`不参加として記録しました（${firstBooking.slice(0, 8)}）。`);
    expect((await click()).content).toBe('その予約はキャンセル・変更済みか、すでに不参加として記録されています。');
    const audit = await db.prisma.auditLog.findMany({ where: { action: 'consultation.noShow', actor: `discord:${staffUser}` } });
    expect(audit.map((a) => a.entityId)).toEqual([firstBooking]);
    const forged = await answerOf(buttonClick({ applicationId: discord.applicationId, customId: 'ouen:noshow:not-a-uuid', userId: staffUser, roleIds: [ROLE.staff] }));
    expect(forged.content).not.toContain('記録しました');
    const schedule = await slash([ROLE.staff], 'funding');
    expect(schedule.embeds[0]!.description).toContain('千葉 太郎（不参加）');
  });

  it('refuses a no-show before the consultation has begun', async () => {
    const reply = await runStaffCommand({ ...deps, clock: () => BOOKING_TIME }, {
      actor: 'console:staff', roles: ['staff'], language: 'ja', command: { name: 'boothNoShow', consultationId: firstBooking },
    });
    expect(reply.text).toBe('その予約はキャンセル・変更済みか、すでに不参加として記録されています。');
    const other = await db.prisma.consultation.findFirstOrThrow({ where: { slotId: funding[3]!.id } });
    const early = await runStaffCommand({ ...deps, clock: () => BOOKING_TIME }, {
      actor: 'console:staff', roles: ['staff'], language: 'ja', command: { name: 'boothNoShow', consultationId: other.id },
    });
    expect(early.text).toBe('まだ開始時刻前のため、不参加にはできません。');
  });
});
