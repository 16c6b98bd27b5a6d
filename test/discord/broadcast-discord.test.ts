/**
 * Broadcasts from Discord, through real discord.js against the fake Discord (requests
 * checked against Discord's spec) on real PostgreSQL: `/broadcast draft` opens the form,
 * its submission answers with the preview, a test send goes to the drafter's own DM
 * participant, only another approver approves, and `/broadcast reports` shows the report.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachStaffCommands } from '../../bot/discord/staff-bot.ts';
import { runStaffCommand, staffDepsOn, type StaffDeps } from '../../bot/staff/staff-commands.ts';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { createLogger } from '../../core/logger.ts';
import { roleMappingSchema } from '../../core/staff/permissions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buttonClick, connectClient, modalSubmit, slashCommand, snowflake, startFakeDiscord, type FakeDiscord } from '../support/fake-discord.ts';
import { program } from '../support/flow-harness.ts';
import { sampleAnswers, seedApplication } from '../support/seed-applications.ts';

const NOW = new Date('2026-12-08T10:00:00+09:00');
const ROLE = { staff: snowflake(), approver: snowflake() };
const roleMapping = roleMappingSchema.parse({ staff: [ROLE.staff], approver: [ROLE.approver] });
const sealer = new Sealer(randomBytes(32));
const STAFF_USER = snowflake();
const APPROVER_USER = snowflake();
const STRING = 3;
const SUBCOMMAND = 1;

let db: TestDatabase;
let discord: FakeDiscord;
let client: Client;
let deps: StaffDeps;
const released: string[][] = [];

type Answer = {
  content?: string;
  embeds: Array<{ title: string; description?: string; fields?: Array<{ name: string; value: string }> }>;
  components?: Array<{ components: Array<{ custom_id: string; label: string }> }>;
};

beforeAll(async () => {
  db = await createTestDatabase();
  await syncContest(transactOn(db.sql), program, NOW);
  await seedApplication(db.prisma, sealer, { receipt: 'BC2026-0001', status: 'submitted', answers: sampleAnswers('千葉 太郎', '柏市', 'no') });
  await seedApplication(db.prisma, sealer, { receipt: 'BC2026-0002', status: 'submitted', answers: sampleAnswers('市川 花子', '市川市', 'no') });
  await seedApplication(db.prisma, sealer, { receipt: null, status: 'draft', answers: sampleAnswers('下書き 次郎', '柏市', 'no') });
  // The staff member has talked to the bot in a DM (/preview): their test sends go there.
  await db.prisma.participant.create({ data: { discordUserId: STAFF_USER } });
  deps = staffDepsOn(db.sql, {
    sealer, program, clock: () => NOW, quota: async () => ({ limit: 200, used: 10 }),
    release: async (ids) => void released.push(ids),
  });
  discord = await startFakeDiscord();
  client = await connectClient(discord, (c) => attachStaffCommands({ client: c, roleMapping, logger: createLogger('silent'), run: (request) => runStaffCommand(deps, request) }));
});

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
  await db?.drop();
});

async function answerOf(interaction: { id: string; token: string }): Promise<Answer> {
  discord.dispatch('INTERACTION_CREATE', interaction);
  await discord.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
  const request = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${discord.applicationId}/${interaction.token}/messages/@original`);
  return request.body as Answer;
}
const buttons = (answer: Answer) => (answer.components ?? []).flatMap((row) => row.components);
const click = (customId: string, userId: string, roleIds: string[]) => answerOf(buttonClick({ applicationId: discord.applicationId, customId, userId, roleIds }));
const field = (answer: Answer, name: string) => answer.embeds[0]!.fields!.find((f) => f.name === name)?.value;

describe('/broadcast in Discord', () => {
  let approvalId: string;

  it('opens the form for the text when staff draft one for a segment', async () => {
    const interaction = slashCommand({
      applicationId: discord.applicationId, name: 'broadcast', userId: STAFF_USER, roleIds: [ROLE.staff],
      options: [{ name: 'draft', type: SUBCOMMAND, options: [{ name: 'segment', type: STRING, value: 'applicants' }, { name: 'status', type: STRING, value: 'submitted' }] }],
    });
    discord.dispatch('INTERACTION_CREATE', interaction);
    const form = await discord.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
    expect(form.body).toMatchObject({ type: 9, data: { custom_id: 'ouen:bcform:applicants:submitted:-', title: 'お知らせの下書き' } });
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('answers the submitted form with the preview: recipients, billed messages, quota and both texts', async () => {
    const answer = await answerOf(modalSubmit({
      applicationId: discord.applicationId, customId: 'ouen:bcform:applicants:submitted:-', userId: STAFF_USER, roleIds: [ROLE.staff],
      values: { title: '説明会のお知らせ', ja: '12 月 10 日に説明会を開きます。', en: 'We hold a briefing on 10 December.' },
    }));
    expect(answer.content).toMatch(/対象 2 人/);
    expect(answer.embeds[0]!.title).toBe('お知らせ: 説明会のお知らせ');
    expect(answer.embeds[0]!.description).toBe('今月の LINE 送信数 10 / 200 通。この配信 2 通の後の残り 190 通から差し引かれます。');
    expect(field(answer, '人数')).toBe('2 人（LINE 2 ・ Discord 0 ・ ブロック中 0）');
    expect(field(answer, '課金メッセージ数（見込み）')).toMatch(/^2 通/);
    expect(field(answer, '文面（英語）')).toBe('We hold a briefing on 10 December.');
    const [test] = buttons(answer);
    expect(test!.custom_id).toMatch(/^ouen:bctest:/);
    approvalId = test!.custom_id.split(':')[2]!;
    expect(await db.prisma.outboxMessage.count({ where: { approvalId, status: 'held' } })).toBe(2);
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('test-sends to the drafter\'s own DM participant only', async () => {
    const answer = await click(`ouen:bctest:${approvalId}`, STAFF_USER, [ROLE.staff]);
    expect(answer.content).toMatch(/^テスト送信しました/);
    const [row] = await db.prisma.outboxMessage.findMany({ where: { kind: 'broadcast-test' }, include: { participant: true } });
    expect(row!.participant.discordUserId).toBe(STAFF_USER);
    expect(released.at(-1)).toEqual([row!.id]);
  });

  it('lets neither staff nor the drafter approve it, and lets another approver', async () => {
    expect((await click(`ouen:bcapprove:${approvalId}`, STAFF_USER, [ROLE.staff])).content).toMatch(/お知らせ配信の承認・差し戻し/);
    expect((await click(`ouen:bcapprove:${approvalId}`, STAFF_USER, [ROLE.staff, ROLE.approver])).content).toMatch(/ご自身が作成したお知らせは承認できません/);
    const list = await answerOf(slashCommand({ applicationId: discord.applicationId, name: 'approvals', userId: APPROVER_USER, roleIds: [ROLE.approver] }));
    expect(list.embeds.map((e) => e.title)).toContain('お知らせ: 説明会のお知らせ');
    expect(buttons(list).map((b) => b.custom_id)).toContain(`ouen:bcapprove:${approvalId}`);
    const approved = await click(`ouen:bcapprove:${approvalId}`, APPROVER_USER, [ROLE.approver]);
    expect(approved.content).toMatch(/^承認しました。2 人宛てのお知らせを/);
    expect(released.at(-1)).toHaveLength(2);
    expect(await db.prisma.outboxMessage.count({ where: { approvalId, status: 'pending' } })).toBe(2);
  });

  it('shows the send report', async () => {
    const answer = await answerOf(slashCommand({
      applicationId: discord.applicationId, name: 'broadcast', userId: APPROVER_USER, roleIds: [ROLE.approver], options: [{ name: 'reports', type: SUBCOMMAND, options: [] }],
    }));
    expect(answer.embeds[0]!.title).toBe('最近の配信レポート');
    expect(answer.embeds[0]!.fields![0]).toMatchObject({ name: expect.stringMatching(/^説明会のお知らせ/), value: '対象 2 ・ 送信済み 0 ・ 省略（ブロック等） 0 ・ 失敗 0 ・ 待ち 2' });
    expect(discord.invalidRequests()).toEqual([]);
  });
});
