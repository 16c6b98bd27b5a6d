/**
 * `/event` through real discord.js against the fake Discord, on real PostgreSQL: the
 * registrations in figures for roles that may see them, the roster as a CSV file only
 * for roles that may see who registered (the command's option and the card's button
 * alike), refusals that name the action and roles, and the audit of both.
 */
import { randomBytes } from 'node:crypto';
import { MessageFlags, type Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachStaffCommands } from '../../bot/discord/staff-bot.ts';
import { runStaffCommand, staffDepsOn, type StaffDeps } from '../../bot/staff/staff-commands.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { cancelEventRegistration } from '../../core/events/cancel-registration.ts';
import { registerForEvent } from '../../core/events/register-for-event.ts';
import { syncEvent } from '../../core/events/sync-event.ts';
import { createLogger } from '../../core/logger.ts';
import { roleMappingSchema } from '../../core/staff/permissions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventAnswers, newParticipant, REGISTRATION_OPEN, testEvent } from '../support/event-fixtures.ts';
import { buttonClick, connectClient, slashCommand, snowflake, startFakeDiscord, type FakeDiscord, type RecordedDiscordRequest } from '../support/fake-discord.ts';
import { program } from '../support/flow-harness.ts';

const ROLE = { viewer: snowflake(), approver: snowflake(), staff: snowflake(), judge: snowflake() };
const roleMapping = roleMappingSchema.parse({ viewer: [ROLE.viewer], approver: [ROLE.approver], staff: [ROLE.staff], judge: [ROLE.judge] });
const sealer = new Sealer(randomBytes(32));
const now = REGISTRATION_OPEN;
const event = program.event!;

let db: TestDatabase;
let discord: FakeDiscord;
let client: Client;
let deps: StaffDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  await syncEvent(transactOn(db.sql), sealer, testEvent(event.id, 2), now);
  const register = async (attendeeType: string, name: string, email: string) => {
    const participantId = await newParticipant(db.prisma);
    const outcome = await transactOn(db.sql)((tx) => registerForEvent(tx, sealer, {
      eventId: event.id, participantId, attendeeType, answers: eventAnswers(name, email), now, actor: 'test',
    }));
    return { participantId, registrationId: (outcome as { registrationId: string }).registrationId };
  };
  await register('founder', '千葉 太郎', 'taro@example.jp');
  const student = await register('student', '学生 花子', 'hanako@example.jp');
  await register('student', '=HYPERLINK("x")', 'jiro@example.jp');
  await register('sponsor', '協賛 三郎', 'saburo@example.jp');
  await transactOn(db.sql)((tx) => cancelEventRegistration(tx, sealer, { eventId: event.id, ...student, now, actor: 'test' }));
  deps = staffDepsOn(db.sql, { sealer, program, clock: () => now });
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
  embeds: Array<{ title: string; description?: string; fields?: Array<{ name: string; value: string }> }>;
  components?: Array<{ components: Array<{ custom_id: string; label: string }> }>;
};

const BOOLEAN = 5;

async function answerOf(interaction: { id: string; token: string }): Promise<{ body: Answer; request: RecordedDiscordRequest }> {
  discord.dispatch('INTERACTION_CREATE', interaction);
  const ack = await discord.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
  expect(ack.body).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
  const request = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${discord.applicationId}/${interaction.token}/messages/@original`);
  return { body: request.body as Answer, request };
}

const slash = (roleIds: string[], options: Array<{ name: string; type: number; value: boolean }> = [], userId = snowflake()) =>
  answerOf(slashCommand({ applicationId: discord.applicationId, name: 'event', userId, roleIds, options }));
const click = (customId: string, roleIds: string[], userId = snowflake()) => answerOf(buttonClick({ applicationId: discord.applicationId, customId, userId, roleIds }));
const buttons = (answer: Answer) => (answer.components ?? []).flatMap((row) => row.components);

describe('/event in Discord', () => {
  it('shows staff the registrations in figures, by attendee type, with a button for the roster', async () => {
    const { body } = await slash([ROLE.staff]);
    const card = body.embeds[0]!;
    expect(card.title).toBe('参加登録 ちば起業家大交流会 2026');
    expect(card.description).toBe('受付 2026年12月1日 10:00〜2027年1月20日 17:00 ・ 開催 2027年1月23日 13:00');
    expect(card.fields!.slice(0, 2)).toEqual([
      { name: '定員', value: '2 名（空き 0）' },
      { name: '登録状況', value: '参加登録 2 ・ キャンセル待ち 1 ・ キャンセル 1' },
    ]);
    expect(card.fields).toContainEqual({ name: '起業家（創業済み）', value: '参加登録 1 ・ キャンセル待ち 0 ・ キャンセル 0' });
    expect(card.fields).toContainEqual({ name: '学生', value: '参加登録 1 ・ キャンセル待ち 0 ・ キャンセル 1' });
    expect(card.fields).toContainEqual({ name: '協賛企業', value: '参加登録 0 ・ キャンセル待ち 1 ・ キャンセル 0' });
    expect(card.fields).toContainEqual({ name: 'その他', value: '参加登録 0 ・ キャンセル待ち 0 ・ キャンセル 0' });
    expect(JSON.stringify(body)).not.toMatch(/千葉 太郎|example\.jp/);
    expect(buttons(body)).toEqual([expect.objectContaining({ custom_id: 'ouen:event-roster', label: '参加者名簿（CSV）' })]);
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('shows the prefecture\'s approver the figures without a roster button', async () => {
    const { body } = await slash([ROLE.approver]);
    expect(body.embeds[0]!.title).toBe('参加登録 ちば起業家大交流会 2026');
    expect(buttons(body)).toEqual([]);
  });

  it('refuses a viewer with the reason, who still sees the totals in /stats', async () => {
    const { body } = await slash([ROLE.viewer]);
    expect(body.content).toBe('この操作（イベント参加登録の状況）は管理者・スタッフ・県の承認者のロールが必要です。あなたのロール: 閲覧のみ。');
    expect(body.embeds).toEqual([]);
    const stats = await answerOf(slashCommand({ applicationId: discord.applicationId, name: 'stats', userId: snowflake(), roleIds: [ROLE.viewer] }));
    expect(stats.body.embeds[0]!.fields).toContainEqual({ name: 'イベント参加登録', value: '定員 2 ・ 参加登録 2 ・ キャンセル待ち 1 ・ キャンセル 1' });
  });
});

describe('the event roster in Discord', () => {
  it('hands staff the roster as an Excel-friendly CSV, from the option or the button, and audits each export', async () => {
    const staffUser = snowflake();
    const viaOption = await slash([ROLE.staff], [{ name: 'roster', type: BOOLEAN, value: true }], staffUser);
    expect(viaOption.body.content).toBe('ちば起業家大交流会 2026 の参加者名簿です（4 件、個人情報を含みます。出力は記録されます）。');
    expect(viaOption.request.files!.map((f) => f.name)).toEqual([`event-roster-${event.id}.csv`]);
    const csv = viaOption.request.files![0]!.content.toString('utf8');
    expect(csv.startsWith('\uFEFF登録ID,状態,待ち順,参加区分,申込日時,キャンセル日時,お名前,ご所属,メール,きっかけ\r\n')).toBe(true);
    const lines = csv.trimEnd().split('\r\n').slice(1);
    expect(lines.map((line) => line.split(',').slice(1, 4))).toEqual([
      ['参加登録', '', '起業家（創業済み）'],
      ['参加登録', '', '学生'],
      ['キャンセル待ち', '1', '協賛企業'],
      ['キャンセル', '', '学生'],
    ]);
    expect(lines[0]).toContain('千葉 太郎,ちばラボ株式会社,taro@example.jp,ポスター・チラシ');
    // A formula typed as a name stays text in Excel; a cancelled registration keeps who it was to itself.
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).not.toContain('学生 花子');
    expect(csv).not.toContain('hanako@example.jp');

    const viaButton = await click('ouen:event-roster', [ROLE.staff], staffUser);
    expect(viaButton.request.files![0]!.content.toString('utf8')).toBe(csv);
    const exports = await db.prisma.auditLog.findMany({ where: { action: 'event.rosterExported', actor: `discord:${staffUser}` } });
    expect(exports.map((e) => e.detail)).toEqual([{ rows: 4, personal: true }, { rows: 4, personal: true }]);
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('refuses the roster to roles that may not see who registered, by option or button, and audits the refusal', async () => {
    const approverUser = snowflake();
    const refused = await slash([ROLE.approver], [{ name: 'roster', type: BOOLEAN, value: true }], approverUser);
    expect(refused.body.content).toBe('この操作（イベント参加者名簿（個人情報）の出力）は管理者・スタッフのロールが必要です。あなたのロール: 県の承認者。');
    expect(refused.request.files).toBeUndefined();
    const denial = await db.prisma.auditLog.findFirst({ where: { action: 'staff.denied', actor: `discord:${approverUser}` } });
    expect(denial?.detail).toEqual({ requested: 'event.roster', reason: 'not-permitted' });
    const judgeClick = await click('ouen:event-roster', [ROLE.judge]);
    expect(judgeClick.body.content).toBe('この操作（イベント参加者名簿（個人情報）の出力）は管理者・スタッフのロールが必要です。あなたのロール: 審査員。');
    expect(judgeClick.request.files).toBeUndefined();
  });
});

describe('/event without an event in the program', () => {
  it('says no event is configured', async () => {
    const reply = await runStaffCommand({ ...deps, program: { ...program, event: undefined } }, {
      actor: 'console:staff', roles: ['staff'], language: 'ja', command: { name: 'event' },
    });
    expect(reply).toEqual({ text: 'イベントは設定されていません（プログラムファイルの event）。' });
  });
});
