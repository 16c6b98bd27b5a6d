/**
 * The staff screens through real discord.js against the fake Discord (every request
 * checked against Discord's OpenAPI definition), on real PostgreSQL: the help for one's
 * roles, refusals that say why, a list whose applications open from a select, the plan
 * document from the application, undelivered messages with their reasons and a retry,
 * and the inbox card as a conversation with the application's state.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachStaffCommands } from '../../bot/discord/staff-bot.ts';
import { runStaffCommand, staffDepsOn, type StaffDeps } from '../../bot/staff/staff-commands.ts';
import { attachDocument } from '../../core/applications/document.service.ts';
import { answersContext } from '../../core/applications/application.repository.ts';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { openHandoff } from '../../core/handoff/handoff.service.ts';
import { createLogger } from '../../core/logger.ts';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { ACTIONS, ROLES, roleMappingSchema } from '../../core/staff/permissions.ts';
import { staffMessages } from '../../bot/staff/staff-messages.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buttonClick, connectClient, selectPick, slashCommand, snowflake, startFakeDiscord, type FakeDiscord } from '../support/fake-discord.ts';
import { DURING, program } from '../support/flow-harness.ts';
import { MINIMAL_PDF } from '../support/line-events.ts';
import { sampleAnswers, seedApplication } from '../support/seed-applications.ts';

const ROLE = { viewer: snowflake(), judge: snowflake(), staff: snowflake() };
const roleMapping = roleMappingSchema.parse({ viewer: [ROLE.viewer], judge: [ROLE.judge], staff: [ROLE.staff] });
const sealer = new Sealer(randomBytes(32));
const released: string[] = [];

let db: TestDatabase;
let discord: FakeDiscord;
let client: Client;
let deps: StaffDeps;
let withDocument: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await syncContest(transactOn(db.sql), program, DURING);
  withDocument = await seedApplication(db.prisma, sealer, { receipt: 'BC2026-0001', status: 'submitted', answers: sampleAnswers('千葉 太郎', '船橋市', 'yes') });
  await seedApplication(db.prisma, sealer, { receipt: 'BC2026-0002', status: 'submitted', answers: sampleAnswers('市川 花子', '市川市', 'no') });
  await seedApplication(db.prisma, sealer, { receipt: null, status: 'draft', answers: sampleAnswers('下書き 次郎', '千葉市中央区', 'no') });
  await transactOn(db.sql)((tx) => attachDocument(tx, sealer, withDocument, {
    sourceMessageId: '900000000000000001', fileName: '千葉太郎の計画.pdf', content: MINIMAL_PDF, sha256: createHash('sha256').update(MINIMAL_PDF).digest('hex'),
  }, 'test', DURING));
  deps = staffDepsOn(db.sql, { sealer, program, clock: () => DURING, release: async (ids) => void released.push(...ids) });
  discord = await startFakeDiscord();
  client = await connectClient(discord, (c) => attachStaffCommands({ client: c, roleMapping, logger: createLogger('silent'), run: (request) => runStaffCommand(deps, request) }));
});

afterAll(async () => {
  await client?.destroy();
  await discord?.close();
  await db?.drop();
});

type Component = { type: number; custom_id: string; label?: string; placeholder?: string; options?: Array<{ label: string; value: string; description?: string }> };
type Answer = {
  content?: string;
  embeds: Array<{ title: string; description?: string; fields?: Array<{ name: string; value: string }> }>;
  components: Array<{ components: Component[] }>;
};

async function answerOf(interaction: { id: string; token: string }): Promise<{ body: Answer; files?: Array<{ name: string }> }> {
  discord.dispatch('INTERACTION_CREATE', interaction);
  const answer = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${discord.applicationId}/${interaction.token}/messages/@original`);
  return { body: answer.body as Answer, ...(answer.files ? { files: answer.files } : {}) };
}

const slash = async (name: string, roleIds: string[]) => (await answerOf(slashCommand({ applicationId: discord.applicationId, name, userId: snowflake(), roleIds }))).body;
const click = (customId: string, roleIds: string[]) => answerOf(buttonClick({ applicationId: discord.applicationId, customId, userId: snowflake(), roleIds }));
const buttons = (answer: Answer) => answer.components.flatMap((row) => row.components).filter((c) => c.type === 2);

describe('the staff catalog', () => {
  it('names every action and role in Japanese and English, so every refusal can say why', () => {
    for (const language of ['ja', 'en'] as const) {
      const keys = Object.keys(staffMessages[language]);
      for (const action of Object.keys(ACTIONS)) expect(keys).toContain(`action.${action}`);
      for (const role of ROLES) expect(keys).toContain(`role.${role}`);
    }
    expect(Object.keys(staffMessages.en).sort()).toEqual(Object.keys(staffMessages.ja).sort());
  });
});

describe('/help', () => {
  it('lists only the commands the member\'s roles may use, as they are typed', async () => {
    const viewer = (await slash('help', [ROLE.viewer])).embeds[0]!;
    expect(viewer.title).toBe('使えるコマンド（閲覧のみ）');
    expect(viewer.description).toContain('/stats\n　応募・参加者・送信の件数');
    expect(viewer.description).toContain('/deliveries');
    for (const other of ['/score', '/decide', '/application ', '/inbox']) expect(viewer.description).not.toContain(other);
    const judge = (await slash('help', [ROLE.judge])).embeds[0]!;
    expect(judge.description).toContain('/score <受付番号>\n　評価項目と配点を確認して採点');
    expect(judge.description).not.toContain('/publish');
    expect((await slash('help', [snowflake()])).content).toBe('ouen のスタッフロールがありません。管理者にロールの付与を依頼してください。');
    expect(discord.invalidRequests()).toEqual([]);
  });
});

describe('/applications', () => {
  it('lists each application on a line and opens the one picked from the select', async () => {
    const list = await slash('applications', [ROLE.staff]);
    expect(list.embeds[0]!.description!.split('\n')).toEqual([
      'BC2026-0001 ・ 提出済み ・ 船橋市 ・ 食・農林水産 ・ 講座受講',
      'BC2026-0002 ・ 提出済み ・ 市川市 ・ 食・農林水産',
      '— ・ 下書き ・ 千葉市中央区 ・ 食・農林水産',
    ]);
    const select = list.components[0]!.components[0]!;
    expect(select).toMatchObject({ type: 3, custom_id: 'ouen:open', placeholder: '開く応募を選んでください' });
    // A draft has no receipt number to open it by.
    expect(select.options!.map((o) => o.value)).toEqual(['BC2026-0001', 'BC2026-0002']);

    const { body: detail } = await answerOf(selectPick({ applicationId: discord.applicationId, customId: 'ouen:open', values: ['BC2026-0001'], userId: snowflake(), roleIds: [ROLE.staff] }));
    expect(detail.embeds[0]!.title).toBe('応募 BC2026-0001');
    // The plan document once: its real state, with a button that opens it.
    expect(detail.embeds[0]!.fields!.filter((f) => f.name === '事業計画書')).toEqual([{ name: '事業計画書', value: 'あり' }]);
    expect(buttons(detail)).toEqual([expect.objectContaining({ custom_id: 'ouen:document:BC2026-0001', label: '事業計画書を開く' })]);
    const document = await click('ouen:document:BC2026-0001', [ROLE.staff]);
    expect(document.files!.map((f) => f.name)).toEqual(['BC2026-0001.pdf']);
    const plain = await click('ouen:detail:BC2026-0002', [ROLE.staff]);
    expect(buttons(plain.body)).toEqual([]);
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('refuses with the reason: the action, the roles that may, and the member\'s own', async () => {
    const { body } = await answerOf(selectPick({ applicationId: discord.applicationId, customId: 'ouen:open', values: ['BC2026-0001'], userId: snowflake(), roleIds: [ROLE.viewer] }));
    expect(body.content).toBe('この操作（応募内容・事業計画書の閲覧）は管理者・スタッフ・審査員・県の承認者のロールが必要です。あなたのロール: 閲覧のみ。');
  });
});

describe('/deliveries', () => {
  let failedIds: string[];

  beforeAll(async () => {
    const person = await db.prisma.application.findFirstOrThrow({ where: { receiptNumber: 'BC2026-0002' } });
    const stranger = await db.prisma.participant.create({ data: { lineUserId: `U${randomBytes(16).toString('hex')}` } });
    const rows = [
      { participantId: person.participantId, kind: 'decision:document' },
      ...Array.from({ length: 11 }, () => ({ participantId: stranger.id, kind: 'staff-reply' })),
    ];
    failedIds = await createOutboxRows(sqlClient(db.sql), sealer, rows.map((r) => ({ ...r, content: { messages: [{ type: 'text', text: { literal: { ja: '秘密の本文', en: '秘密の本文' } } }] }, notBefore: DURING })), DURING);
    for (const [i, id] of failedIds.entries()) {
      await db.prisma.outboxMessage.update({
        where: { id },
        data: { status: 'failed', attempts: 1, refusedAttempts: 1, firstAttemptAt: DURING, lastError: 'LINE push failed with 400', createdAt: new Date(DURING.getTime() - i * 60_000) },
      });
    }
  });

  it('lists what could not be delivered, to whom by receipt number or reference, and why, with a retry for staff', async () => {
    const list = await slash('deliveries', [ROLE.staff]);
    const card = list.embeds[0]!;
    expect(card.title).toBe('届かなかったメッセージ（1〜10 / 12 件）');
    expect(card.description).toContain('1. BC2026-0002 ・ 審査結果（一次審査（書類）） ・ 2026年11月28日 10:00 ・ LINE\n　理由: LINE push failed with 400（試行 1 回）');
    expect(card.description).toMatch(/2\. #[0-9a-f]{8} ・ スタッフの返信 ・ /);
    for (const hidden of ['秘密の本文', '市川 花子']) expect(card.description).not.toContain(hidden);
    expect(card.description).not.toMatch(/U[0-9a-f]{32}/);
    expect(buttons(list).map((b) => b.label)).toEqual([...Array.from({ length: 10 }, (_, i) => `再送 ${i + 1}`), '次へ']);
    const next = await click(buttons(list).at(-1)!.custom_id, [ROLE.staff]);
    expect(next.body.embeds[0]!.title).toBe('届かなかったメッセージ（11〜12 / 12 件）');
    expect(buttons(next.body).map((b) => b.label)).toEqual(['再送 11', '再送 12', '前へ']);

    const retried = await click(buttons(list)[0]!.custom_id, [ROLE.staff]);
    expect(retried.body.content).toBe('再送しました。前回は LINE に受け付けられていないため、新しい再送キーで送ります。');
    expect(retried.body.embeds[0]!.title).toBe('届かなかったメッセージ（1〜10 / 11 件）');
    expect(released).toEqual([failedIds[0]]);
    expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: failedIds[0] } })).toMatchObject({ status: 'pending', attempts: 0 });
    const audit = await db.prisma.auditLog.findFirst({ where: { action: 'delivery.retried', entityId: failedIds[0] } });
    expect(audit?.detail).toEqual({ kind: 'decision:document', retryKey: 'renewed', attempts: 1 });
    expect((await click(buttons(list)[0]!.custom_id, [ROLE.staff])).body.content).toBe('このメッセージはすでに再送中か、送信済みです。');
    expect(discord.invalidRequests()).toEqual([]);
  });

  it('shows a viewer the list without retry buttons, refuses a forged retry with the reason, and refuses judges', async () => {
    const list = await slash('deliveries', [ROLE.viewer]);
    expect(list.embeds[0]!.title).toBe('届かなかったメッセージ（1〜10 / 11 件）');
    expect(buttons(list).map((b) => b.label)).toEqual(['次へ']);
    const forged = await click(`ouen:retry:${failedIds[1]}`, [ROLE.viewer]);
    expect(forged.body.content).toBe('この操作（届かなかったメッセージの再送）は管理者・スタッフのロールが必要です。あなたのロール: 閲覧のみ。');
    expect((await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: failedIds[1] } })).status).toBe('failed');
    expect((await slash('deliveries', [ROLE.judge])).content).toBe('この操作（届かなかったメッセージの一覧）は管理者・スタッフ・県の承認者・閲覧のみのロールが必要です。あなたのロール: 審査員。');
  });

  it('points to them from /stats, and counts consent in people', async () => {
    const stats = (await slash('stats', [ROLE.viewer])).embeds[0]!;
    expect(stats.description).toBe('届かなかったメッセージは /deliveries で理由を確認し、再送できます。');
    expect(stats.fields).toContainEqual({ name: '同意（人数）', value: 'コンテスト応募: 同意 0 ・ 不同意 0' });
  });
});

describe('/inbox', () => {
  it('shows the conversation one message a line with who said it, and how far the person\'s draft got', async () => {
    const participant = await db.prisma.participant.create({ data: { lineUserId: `U${randomBytes(16).toString('hex')}` } });
    const answers = { base: 'now', municipality: '船橋市', founding: 'notYet', name: '相談 花子' };
    const draft = await db.prisma.application.create({
      data: { contestId: program.contest.id, participantId: participant.id, status: 'draft', answersSealed: 'x' },
    });
    await db.prisma.application.update({ where: { id: draft.id }, data: { answersSealed: sealer.sealJson(answers, answersContext(draft.id)) } });
    await transactOn(db.sql)((tx) => openHandoff(tx, sealer, {
      participantId: participant.id, reason: 'asked', now: DURING, actor: 'test',
      recent: [
        { from: 'participant', text: '応募', messageId: '1' },
        { from: 'bot', text: '【個人情報の取り扱い】\n利用目的：…' },
        { from: 'participant', text: '締切は\nいつですか' },
      ],
    }));
    const inbox = await slash('inbox', [ROLE.staff]);
    const card = inbox.embeds[0]!;
    expect(card.description!.split('\n')).toEqual(['**参加者**: 応募', '**ボット**: 【個人情報の取り扱い】 ／ 利用目的：…', '**参加者**: 締切は ／ いつですか']);
    const state = card.fields!.find((f) => f.name === '応募')!.value;
    expect(state).toMatch(/^下書き（4 \/ \d+ 問に回答済み）$/);
    expect(discord.invalidRequests()).toEqual([]);
  });
});
