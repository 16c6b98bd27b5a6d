/**
 * Staff commands through real discord.js against the fake Discord, on real PostgreSQL:
 * answers, the permission check on the server, personal data only for roles that may see
 * it, and the audit of refusals and views.
 */
import { randomBytes } from 'node:crypto';
import { MessageFlags, type Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachStaffCommands } from '../../bot/discord/staff-bot.ts';
import { runStaffCommand, staffDepsOn, suggestReceipts, type StaffDeps } from '../../bot/staff/staff-commands.ts';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { createLogger } from '../../core/logger.ts';
import { roleMappingSchema } from '../../core/staff/permissions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { slashCommand, snowflake, startFakeDiscord, connectClient, type FakeDiscord } from '../support/fake-discord.ts';
import { DURING, program } from '../support/flow-harness.ts';
import { sampleAnswers, seedApplication } from '../support/seed-applications.ts';

const ROLE = { viewer: snowflake(), judge: snowflake(), staff: snowflake() };
const roleMapping = roleMappingSchema.parse({ viewer: [ROLE.viewer], judge: [ROLE.judge], staff: [ROLE.staff] });
const sealer = new Sealer(randomBytes(32));

let db: TestDatabase;
let discord: FakeDiscord;
let client: Client;
let deps: StaffDeps;

const answers = sampleAnswers;
const seed = (receipt: string | null, status: 'draft' | 'submitted' | 'withdrawn', values: ReturnType<typeof answers>) =>
  seedApplication(db.prisma, sealer, { receipt, status, answers: values });

beforeAll(async () => {
  db = await createTestDatabase();
  await syncContest(transactOn(db.sql), program, DURING);
  await seed('BC2026-0001', 'submitted', answers('千葉 太郎', '船橋市', 'yes', '長い説明。'.repeat(200)));
  await seed('BC2026-0002', 'submitted', answers('市川 花子', '市川市', 'no'));
  await seed('BC2026-0003', 'withdrawn', answers('松戸 一郎', '船橋市', 'no'));
  await seed(null, 'draft', answers('下書き 次郎', '千葉市中央区', 'no'));
  await seed('BC2026-0004', 'submitted', answers('リンク 三郎', '柏市', 'no', '詳しくは [こちら](https://example.com) と **強調**'));
  deps = staffDepsOn(db.sql, { sealer, program, clock: () => DURING });
  discord = await startFakeDiscord();
  client = await connectClient(discord, (c) => attachStaffCommands({
    client: c, roleMapping, logger: createLogger('silent'),
    run: (request) => runStaffCommand(deps, request),
    suggest: (roles, typed) => suggestReceipts(deps, roles, typed),
  }));
});

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
  await db?.drop();
});

type Answer = { content?: string; embeds: Array<{ title: string; description?: string; fields?: Array<{ name: string; value: string }> }> };

async function runSlash(name: string, roleIds: string[], options: Array<{ name: string; type: number; value: string | boolean }> = []) {
  const interaction = slashCommand({ applicationId: discord.applicationId, name, userId: snowflake(), roleIds, options });
  discord.dispatch('INTERACTION_CREATE', interaction);
  const ack = await discord.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
  const answer = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${discord.applicationId}/${interaction.token}/messages/@original`);
  return { interaction, ack, answer: answer.body as Answer };
}

const STRING = 3;
const BOOLEAN = 5;

describe('/stats in Discord', () => {
  it('is acknowledged at once, privately, then answered with the counts in Japanese', async () => {
    const { ack, answer } = await runSlash('stats', [ROLE.viewer]);
    expect(ack.body).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    expect(answer.embeds[0]!.title).toBe('応募・参加の状況');
    expect(answer.embeds[0]!.fields).toContainEqual({ name: '応募', value: '下書き 1 ・ 提出済み 3 ・ 取り下げ 1' });
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('refuses a member without an ouen role, privately, and writes the refusal to the audit log', async () => {
    const { interaction, answer } = await runSlash('stats', [snowflake()]);
    expect(answer.content).toBe('ouen のスタッフロールがありません。管理者にロールの付与を依頼してください。');
    expect(answer.embeds).toEqual([]);
    const denial = await db.prisma.auditLog.findFirst({ where: { action: 'staff.denied', actor: `discord:${interaction.member.user.id}` } });
    expect(denial?.detail).toEqual({ requested: 'stats.view', reason: 'no-role' });
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('answers a command it does not know yet, instead of leaving Discord waiting', async () => {
    const { answer } = await runSlash('judge', [ROLE.viewer]);
    expect(answer.content).toBe('このコマンドはまだ使えません。');
  });
});

describe('/applications in Discord', () => {
  it('lists applications without personal data, filtered by status, municipality and workshop', async () => {
    const all = await runSlash('applications', [ROLE.viewer]);
    expect(all.answer.embeds[0]!.title).toBe('応募一覧（5 / 5 件）');
    expect(all.answer.embeds[0]!.description).toContain('BC2026-0001 ・ 提出済み ・ 船橋市 ・ 食・農林水産 ・ 講座受講');
    expect(all.answer.embeds[0]!.description).not.toContain('千葉 太郎');
    const filtered = await runSlash('applications', [ROLE.viewer], [
      { name: 'status', type: STRING, value: 'submitted' }, { name: 'municipality', type: STRING, value: '船橋市' },
    ]);
    expect(filtered.answer.embeds[0]!.title).toBe('応募一覧（1 / 1 件）');
    const workshop = await runSlash('applications', [ROLE.viewer], [{ name: 'workshop', type: BOOLEAN, value: false }]);
    expect(workshop.answer.embeds[0]!.title).toBe('応募一覧（4 / 4 件）');
    const none = await runSlash('applications', [ROLE.viewer], [{ name: 'municipality', type: STRING, value: '銚子市' }]);
    expect(none.answer.content).toBe('条件に合う応募はありません。');
    expect(discord.invalidRequests()).toEqual([]);
  });
});

describe('/application in Discord', () => {
  it('shows staff the whole application, long answers cut to fit, and audits the view', async () => {
    const { interaction, answer } = await runSlash('application', [ROLE.staff], [{ name: 'receipt', type: STRING, value: 'bc2026-0001' }]);
    const card = answer.embeds[0]!;
    expect(card.title).toBe('応募 BC2026-0001');
    expect(card.fields).toContainEqual({ name: '状態', value: '提出済み' });
    expect(card.fields).toContainEqual({ name: 'お名前', value: '千葉 太郎' });
    const summary = card.fields!.find((f) => f.value.startsWith('長い説明。'))!;
    expect(summary.value.length).toBeLessThanOrEqual(350);
    expect(card.description).toContain('全文は CSV 出力');
    const viewed = await db.prisma.auditLog.findFirst({ where: { action: 'application.viewed', actor: `discord:${interaction.member.user.id}` } });
    expect(viewed?.detail).toEqual({ receiptNumber: 'BC2026-0001', personal: true });
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('shows a judge the plan but not who applied', async () => {
    const { answer } = await runSlash('application', [ROLE.judge], [{ name: 'receipt', type: STRING, value: 'BC2026-0002' }]);
    const text = JSON.stringify(answer.embeds);
    expect(text).toContain('地産地消の仕組み');
    for (const personal of ['市川 花子', 'taro@example.jp', '09012345678', 'チバ タロウ', '30代', '会社員', 'ちばラボ']) expect(text).not.toContain(personal);
    expect(answer.embeds[0]!.description).toContain('応募者の個人情報は、この権限では表示されません。');
  });

  it('shows what a participant typed as text: no live links or formatting in the card', async () => {
    const { answer } = await runSlash('application', [ROLE.staff], [{ name: 'receipt', type: STRING, value: 'BC2026-0004' }]);
    const summary = answer.embeds[0]!.fields!.find((f) => f.value.includes('こちら'))!;
    expect(summary.value).toBe('詳しくは \\[こちら](https://example.com) と \\*\\*強調\\*\\*');
  });

  it('keeps a card within Discord\'s limits for a program with many long answers', async () => {
    const extra = Array.from({ length: 30 }, (_, i) => ({
      id: `extra${i}`, section: 'plan' as const, kind: 'text' as const, maxLength: 4000, allowLater: false, personal: false,
      label: { ja: `追加の質問 ${i}`, en: `Extra ${i}` }, prompt: { ja: '？', en: '?' },
    }));
    const big = { ...program, contest: { ...program.contest, questions: [...program.contest.questions, ...extra] } };
    const values = { ...answers('長文 四郎', '銚子市', 'no'), ...Object.fromEntries(extra.map((q) => [q.id, '😀'.repeat(4000)])) };
    await seed('BC2026-0005', 'submitted', values as ReturnType<typeof answers>);
    const reply = await runStaffCommand({ ...deps, program: big }, { actor: 'discord:1', roles: ['staff'], language: 'ja', command: { name: 'application', receipt: 'BC2026-0005' } });
    const card = reply.card!;
    expect(card.fields.length).toBeLessThanOrEqual(25);
    const size = [card.title, card.description ?? '', ...card.fields.flatMap((f) => [f.name, f.value])].reduce((n, t) => n + Array.from(t).length, 0);
    expect(size).toBeLessThanOrEqual(6000);
    expect(card.fields.every((f) => Array.from(f.value).length <= 1024 && !f.value.includes('\uFFFD'))).toBe(true);
    expect(card.description).toContain('全文は CSV 出力');
  });

  it('refuses a viewer, and says so when a receipt number does not exist', async () => {
    const refused = await runSlash('application', [ROLE.viewer], [{ name: 'receipt', type: STRING, value: 'BC2026-0001' }]);
    expect(refused.answer.content).toBe('この操作（応募内容・事業計画書の閲覧）は管理者・スタッフ・審査員・県の承認者のロールが必要です。あなたのロール: 閲覧のみ。');
    const missing = await runSlash('application', [ROLE.staff], [{ name: 'receipt', type: STRING, value: 'BC2026-9999' }]);
    expect(missing.answer.content).toBe('受付番号 BC2026-9999 の応募は見つかりません。');
  });

  it('completes receipt numbers as they are typed, only for members who may open an application', async () => {
    const typed = (roleIds: string[]) => {
      const interaction = { ...slashCommand({ applicationId: discord.applicationId, name: 'application', userId: snowflake(), roleIds,
        options: [{ name: 'receipt', type: STRING, value: 'bc2026-000' }] }), type: 4 };
      interaction.data.options = [{ name: 'receipt', type: STRING, value: 'bc2026-000', focused: true } as never];
      discord.dispatch('INTERACTION_CREATE', interaction);
      return discord.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
    };
    expect((await typed([ROLE.judge])).body).toEqual({ type: 8, data: { choices: ['BC2026-0001', 'BC2026-0002', 'BC2026-0003', 'BC2026-0004', 'BC2026-0005'].map((r) => ({ name: r, value: r })) } });
    expect((await typed([ROLE.viewer])).body).toEqual({ type: 8, data: { choices: [] } });
    expect((await typed([snowflake()])).body).toEqual({ type: 8, data: { choices: [] } });
    expect(discord.invalidRequests()).toEqual([]);
  });
});
