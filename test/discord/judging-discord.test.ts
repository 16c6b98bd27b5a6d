/**
 * Judging in Discord end to end, on real PostgreSQL and Redis with ouen running: an
 * application submitted on LINE is scored by three judges through real discord.js
 * (slash command → modal → submit), staff close the round and publish, the approver
 * approves with a button, and the applicant's LINE push is recorded. Every request the
 * bot sends validates against Discord's OpenAPI definition.
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAM_FILE } from '../../core/program/load-program.ts';
import { DURING } from '../support/flow-harness.ts';
import { botTexts, callbackBody, LineUser, MINIMAL_PDF } from '../support/line-events.ts';
import { buttonClick, modalSubmit, slashCommand, snowflake, startOuenWithDiscord, type FakeDiscord, type RecordedDiscordRequest } from '../support/fake-discord.ts';
import { eventually, type Harness } from '../support/ouen-harness.ts';

const ROLE = { staff: snowflake(), judge: snowflake(), approver: snowflake() };
const JUDGE_USERS = [snowflake(), snowflake(), snowflake()];
const STAFF_USER = snowflake();
const APPROVER_USER = snowflake();
const AFTER_DEADLINE = new Date('2027-04-10T10:00:00+09:00');

/** The default program with the three judges' Discord accounts on the roster. */
function programWithJudges(): string {
  const program = JSON.parse(readFileSync(DEFAULT_PROGRAM_FILE, 'utf8'));
  program.judging.judges = JUDGE_USERS.map((id, i) => ({ id: `judge-${i + 1}`, name: `審査員${i + 1}`, discordUserId: id }));
  const file = join(mkdtempSync(join(tmpdir(), 'ouen-judging-')), 'program.json');
  writeFileSync(file, JSON.stringify(program));
  return file;
}

let now = DURING;
let discord: FakeDiscord;
let h: Harness;
let applicant: LineUser;

let close: () => Promise<void>;

beforeAll(async () => {
  ({ discord, h, close } = await startOuenWithDiscord({
    clock: () => now,
    env: {
      OUEN_PROGRAM_FILE: programWithJudges(),
      OUEN_STAFF_ROLES: JSON.stringify({ staff: [ROLE.staff], judge: [ROLE.judge], approver: [ROLE.approver] }),
    },
  }));
});

afterAll(async () => {
  await close?.();
});

const STRING = 3;
const INTEGER = 4;
type Answer = { content?: string; embeds?: Array<{ title: string; fields?: Array<{ name: string; value: string }> }>; components?: Array<{ components: Array<{ custom_id: string; label: string }> }> };

/** Dispatches an interaction and returns Discord's first answer (the callback) and, when deferred, the edited reply. */
async function interact(interaction: { id: string; token: string }): Promise<{ callback: RecordedDiscordRequest; answer?: RecordedDiscordRequest }> {
  discord.dispatch('INTERACTION_CREATE', interaction);
  const callback = await discord.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
  if ((callback.body as { type: number }).type !== 5) return { callback };
  const answer = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${discord.applicationId}/${interaction.token}/messages/@original`);
  return { callback, answer };
}

const slash = (userId: string, roleIds: string[], name: string, options: Array<{ name: string; type: number; value?: string | number | boolean; options?: unknown[] }> = []) =>
  interact(slashCommand({ applicationId: discord.applicationId, name, userId, roleIds, options }));
const text = async (pending: ReturnType<typeof interact>) => ((await pending).answer!.body as Answer).content;

describe('judging in Discord', () => {
  it('takes an application from LINE through three judges, publication and approval to the applicant\'s LINE', async () => {
    applicant = new LineUser(h.line);
    await h.post(callbackBody(h.line.botUserId,
      applicant.text('応募'), applicant.choose('yes'), applicant.choose('now'), applicant.text('船橋市'), applicant.choose('notYet'),
      applicant.text('千葉 太郎'), applicant.text('ちば たろう'), applicant.text('taro@example.jp'), applicant.text('090-1234-5678'),
      applicant.choose('30s'), applicant.choose('founder'), applicant.text('ちばラボ'), applicant.text('房総の工房'), applicant.choose('tourism'),
      applicant.text('空き家を工房にします。'), applicant.text('空き家の増加。')));
    await h.post(callbackBody(h.line.botUserId, applicant.file('plan.pdf', MINIMAL_PDF, '900000000000000002')));
    await h.post(callbackBody(h.line.botUserId, applicant.choose('yes'), applicant.choose('sns'), applicant.choose('submit')));
    await h.settle();
    const receipt = /受付番号：(BC2026-\d{4})/.exec(botTexts(h.line, applicant.userId).join('\n'))![1]!;

    // Before the deadline the document screening cannot start.
    expect(await text(slash(STAFF_USER, [ROLE.staff], 'round', [{ name: 'open', type: 1, options: [{ name: 'round', type: STRING, value: 'document' }] }])))
      .toBe('応募締切の前には書類審査を開始できません。');
    now = AFTER_DEADLINE;
    expect(await text(slash(STAFF_USER, [ROLE.staff], 'round', [{ name: 'open', type: 1, options: [{ name: 'round', type: STRING, value: 'document' }] }])))
      .toBe('一次審査（書類）を開始しました。対象 1 件、審査員 3 名。\n採点期間（予定）: 2027-04-05 〜 2027-04-18');

    for (const [i, judgeUser] of JUDGE_USERS.entries()) {
      // /score shows the criteria with their weights and the ways to the plan; the form opens from its button.
      const opened = await slash(judgeUser, [ROLE.judge], 'score', [{ name: 'receipt', type: STRING, value: receipt.toLowerCase() }]);
      const card = opened.answer!.body as Answer & { embeds: Array<{ description: string }> };
      expect(card.embeds[0]!.title).toBe(`採点 ${receipt} ・ 一次審査（書類）`);
      expect(card.embeds[0]!.description).toContain('・実現可能性 ・ 配点 30 ・ 1〜5 点');
      expect(card.embeds[0]!.description).toContain('合計は 100 点満点です');
      const buttons = card.components![0]!.components;
      expect(buttons.map((b) => b.label)).toEqual(['採点を入力（1/1）', '応募内容（計画）を見る', '事業計画書を開く']);
      expect(buttons.map((b) => b.custom_id)).toEqual([`ouen:score:${receipt}:0`, `ouen:detail:${receipt}`, `ouen:document:${receipt}`]);
      const plan = await interact(buttonClick({ applicationId: discord.applicationId, customId: buttons[2]!.custom_id, userId: judgeUser, roleIds: [ROLE.judge] }));
      expect(plan.answer!.files!.map((f) => f.name)).toEqual([`${receipt}.pdf`]);
      const opening = await interact(buttonClick({ applicationId: discord.applicationId, customId: buttons[0]!.custom_id, userId: judgeUser, roleIds: [ROLE.judge] }));
      const form = opening.callback.body as { type: number; data: { custom_id: string; title: string; components: Array<{ components: Array<{ custom_id: string; label: string }> }> } };
      expect(form.type).toBe(9);
      expect(form.data.title).toBe(`採点 ${receipt}（1/1）`);
      const inputs = form.data.components.map((row) => row.components[0]!);
      expect(inputs.map((x) => x.custom_id)).toEqual(['feasibility', 'profitability', 'regional', 'originality', 'comment']);
      expect(inputs[0]!.label).toBe('実現可能性（1〜5・配点 30）');
      const values = { feasibility: String(3 + (i % 2)), profitability: '4', regional: '5', originality: '3', comment: '空き家活用の視点が良い' };
      const saved = await interact(modalSubmit({ applicationId: discord.applicationId, customId: form.data.custom_id, userId: judgeUser, roleIds: [ROLE.judge], values }));
      expect((saved.answer!.body as Answer).content).toMatch(new RegExp(`^${receipt} の採点を保存しました。\\n合計 [0-9.]+ / 100 点$`));
    }

    // A member without a judging role cannot open the form; a judge not on the roster is told why.
    expect(await text(slash(snowflake(), [ROLE.staff], 'score', [{ name: 'receipt', type: STRING, value: receipt }])))
      .toBe('この操作（採点・辞退）は審査員のロールが必要です。あなたのロール: スタッフ。');
    expect(await text(slash(snowflake(), [ROLE.judge], 'score', [{ name: 'receipt', type: STRING, value: receipt }])))
      .toContain('審査員名簿にあなたの Discord アカウントが登録されていません');

    const progress = await slash(STAFF_USER, [ROLE.staff], 'round', [{ name: 'status', type: 1, options: [] }]);
    expect((progress.answer!.body as Answer).embeds![0]!.title).toBe('一次審査（書類）の採点状況（採点受付中・対象 1 件）');
    await slash(STAFF_USER, [ROLE.staff], 'round', [{ name: 'close', type: 1, options: [] }]);
    expect(await text(slash(STAFF_USER, [ROLE.staff], 'decide-all'))).toBe('1 件の結果を集計から決めました（公開前）。');

    const scores = await slash(STAFF_USER, [ROLE.staff], 'scores');
    expect(scores.answer!.files!.map((f) => f.name)).toEqual(['scores-document.csv']);
    expect(scores.answer!.files![0]!.content.toString('utf8')).toContain('空き家活用の視点が良い');

    expect(await text(slash(STAFF_USER, [ROLE.staff], 'publish'))).toContain('1 通を承認待ちにしました');
    const approvals = await slash(APPROVER_USER, [ROLE.approver], 'approvals');
    const body = approvals.answer!.body as Answer;
    expect(body.embeds![0]!.title).toBe('承認待ち: 一次審査（書類）（1 通）');
    // The approver sees which applications get which outcome, not only the counts.
    expect(body.embeds![0]!.fields).toContainEqual({ name: '対象と結果（1〜1 / 1 件）', value: `${receipt} ・ 通過` });
    const [approve, reject] = body.components![0]!.components;
    expect(approve!.custom_id).toMatch(/^ouen:approve:/);
    expect(reject!.label).toBe('差し戻す（一次審査（書類））');

    // Forged and foreign buttons: refused, nothing sent.
    const click = (userId: string, roleIds: string[], customId: string) => interact(buttonClick({ applicationId: discord.applicationId, userId, roleIds, customId }));
    expect(await text(click(STAFF_USER, [ROLE.staff], approve!.custom_id))).toBe('この操作（結果通知の承認・差し戻し）は県の承認者のロールが必要です。あなたのロール: スタッフ。');
    expect(await text(click(APPROVER_USER, [ROLE.approver], `ouen:approve:${randomUUID()}`))).toBe('この承認依頼は見つかりません。');
    expect(await text(click(APPROVER_USER, [ROLE.approver], 'ouen:approve:1;DROP TABLE'))).toBe('このコマンドはまだ使えません。');
    expect(botTexts(h.line, applicant.userId).some((t) => t.includes('一次審査'))).toBe(false);

    expect(await text(click(APPROVER_USER, [ROLE.approver], approve!.custom_id))).toBe('承認しました。1 通を順次 LINE で送信します。');
    await eventually(() => botTexts(h.line, applicant.userId).some((t) => t.includes('一次審査を通過しました')), 15_000);
    expect(await text(click(APPROVER_USER, [ROLE.approver], approve!.custom_id))).toBe('この承認依頼はすでに処理されています（approved）。');

    const denied = await h.db.prisma.auditLog.findFirst({ where: { action: 'staff.denied', actor: `discord:${STAFF_USER}` } });
    expect(denied?.detail).toEqual({ requested: 'decisions.approve', reason: 'not-permitted' });
    expect(discord.invalidRequests()).toEqual([]);
  }, 60_000);

  it('records the audience vote only for finalists', async () => {
    expect(await text(slash(STAFF_USER, [ROLE.staff], 'votes', [{ name: 'receipt', type: STRING, value: 'BC2026-0001' }, { name: 'votes', type: INTEGER, value: 3 }])))
      .toBe('受付番号 BC2026-0001 は最終審査の対象ではありません。');
  });
});
