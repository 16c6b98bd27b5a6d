/**
 * A participant always finds their way back, through signed webhooks against the running
 * system: an unsent answer is asked for again at once, a plan document sent after
 * 「あとで送る」 joins the application, and a conversation staff close ends with the menu.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStaffCommand, staffDepsOn } from '../../bot/staff/staff-commands.ts';
import { findApplication } from '../../core/applications/application.repository.ts';
import { sqlClient } from '../../core/db/pg-transaction.ts';
import { DURING } from '../support/flow-harness.ts';
import { botTexts, callbackBody, LineUser, messageId, MINIMAL_PDF } from '../support/line-events.ts';
import { snowflake, startOuenWithDiscord } from '../support/fake-discord.ts';
import { eventually, type Harness } from '../support/ouen-harness.ts';

let h: Harness;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ h, close } = await startOuenWithDiscord({ clock: () => DURING, env: { DISCORD_INBOX_CHANNEL_ID: snowflake() } }));
}, 60_000);

afterAll(async () => {
  await close?.();
});

async function send(...events: Array<ReturnType<LineUser['text']>>) {
  await h.post(callbackBody(h.line.botUserId, ...events));
  await h.settle();
}

const lastMessage = (user: LineUser) => h.line.botMessages(user.userId).at(-1) as { text?: string; quickReply?: { items: Array<{ action: { label: string; data?: string } }> } };

/** Submits with the plan document to follow; returns the receipt number and the ids of the messages that gave the e-mail address and the municipality. */
async function submitWithDocumentLater(user: LineUser): Promise<{ receipt: string; emailMessage: string; municipalityMessage: string }> {
  const emailMessage = messageId();
  const municipalityMessage = messageId();
  await send(
    user.text('応募'), user.choose('yes'), user.choose('now'), user.text('船橋市', municipalityMessage), user.choose('notYet'),
    user.text('千葉 太郎'), user.text('ちば たろう'), user.text('taro@example.jp', emailMessage), user.text('090-1234-5678'),
    user.choose('30s'), user.choose('founder'), user.text('ちばラボ'), user.text('房総の工房'), user.choose('tourism'),
    user.text('空き家を工房にします。'), user.text('空き家の増加。'), user.choose('later'), user.choose('yes'), user.choose('sns'), user.choose('submit'));
  const said = botTexts(h.line, user.userId).join('\n');
  expect(said).toContain('事業計画書（PDF）はまだ届いていません');
  return { receipt: /受付番号：(BC2026-\d{4})/.exec(said)![1]!, emailMessage, municipalityMessage };
}

async function applicationOf(user: LineUser) {
  const participant = await h.db.prisma.participant.findUniqueOrThrow({ where: { lineUserId: user.userId } });
  return findApplication(sqlClient(h.db.sql), h.ouen.sealer, h.ouen.program.contest.id, participant.id);
}

describe('after an unsend', () => {
  it('asks at once for the answer that went, with the step\'s buttons, by push', async () => {
    const user = new LineUser(h.line);
    const municipalityMessage = messageId();
    await send(user.text('応募'), user.choose('yes'), user.choose('now'), user.text('柏市', municipalityMessage));
    expect(botTexts(h.line, user.userId).at(-1)).toContain('創業の状況');
    await send(user.unsend(municipalityMessage));
    const asked = await eventually(() => (lastMessage(user).text?.includes('「市町村」の回答を取り消しました') ? lastMessage(user) : undefined));
    expect(asked.text).toContain('拠点（予定地）の市町村名');
    expect((await applicationOf(user))!.answers.municipality).toBeUndefined();
    await send(user.text('かしわし'));
    expect(lastMessage(user).quickReply!.items.map((i) => i.action.label)).toEqual(['まだ創業していない', '法人を設立した', '個人事業主として開業', '個人事業から法人化']);
    expect((await applicationOf(user))!.answers.municipality).toBe('柏市');
  });

  it('after submission, removes the answer, tells staff the application is incomplete, and asks for it again', async () => {
    const user = new LineUser(h.line);
    const { receipt, emailMessage } = await submitWithDocumentLater(user);
    const deps = staffDepsOn(h.db.sql, { sealer: h.ouen.sealer, program: h.ouen.program, clock: () => DURING });
    const status = async () => (await runStaffCommand(deps, { actor: 'console:staff', roles: ['staff'], language: 'ja', command: { name: 'application', receipt } }))
      .card!.fields!.find((f) => f.name === '状態')!.value;
    expect(await status()).toBe('提出済み');
    await send(user.unsend(emailMessage));
    await eventually(() => lastMessage(user).text?.includes('「メール」の回答を取り消しました'));
    const application = (await applicationOf(user))!;
    expect(application.status).toBe('submitted');
    expect(application.answers.email).toBeUndefined();
    const notice = await h.db.prisma.staffNotice.findFirst({ where: { entityId: application.id, kind: 'application.updated' }, orderBy: { id: 'desc' } });
    expect(notice!.detail).toEqual({ fields: ['email'], unsent: true });
    expect(await status()).toBe('提出済み（未完成: メール が未回答）');
    const list = await runStaffCommand(deps, { actor: 'console:staff', roles: ['staff'], language: 'ja', command: { name: 'applications', filter: {} } });
    expect(list.pick!.items.find((item) => item.value === receipt)!.label).toBe(`${receipt} ・ 提出済み（未完成）`);
    await send(user.text('hanako@example.jp'));
    expect(botTexts(h.line, user.userId).join('\n')).toContain('応募内容を更新しました');
    expect((await applicationOf(user))!.answers.email).toBe('hanako@example.jp');
    expect(await status()).toBe('提出済み');
  });
});

describe('an unsent eligibility answer after submission', () => {
  it('stays on the application (eligibility was checked at submission), and the person is told why', async () => {
    const user = new LineUser(h.line);
    const { municipalityMessage } = await submitWithDocumentLater(user);
    await send(user.unsend(municipalityMessage));
    await eventually(() => lastMessage(user).text?.includes('提出後は取り消せません'));
    expect((await applicationOf(user))!.answers.municipality).toBe('船橋市');
    const audit = await h.db.prisma.auditLog.findFirst({ where: { action: 'message.unsent' }, orderBy: { id: 'desc' } });
    expect(audit!.detail).toMatchObject({ removedFields: [], keptFields: ['municipality'] });
  });
});

describe('a plan document sent later', () => {
  it('joins the submitted application with a confirmation', async () => {
    const user = new LineUser(h.line);
    const { receipt } = await submitWithDocumentLater(user);
    await send(user.file('plan.pdf', MINIMAL_PDF));
    expect(botTexts(h.line, user.userId).at(-1)).toBe(`事業計画書「plan.pdf」を受け取り、応募（受付番号 ${receipt}）に追加しました。ありがとうございます！`);
    const application = (await applicationOf(user))!;
    expect(application.hasDocument).toBe(true);
    expect(application.answers.document).toBe('attached');
  });
});

describe('a conversation staff close', () => {
  it('ends with the menu as buttons and a word about the unfinished application', async () => {
    const user = new LineUser(h.line);
    await send(user.text('応募'), user.choose('yes'), user.choose('now'), user.text('スタッフと話したい'));
    const handoff = await eventually(() => h.db.prisma.handoff.findFirst({ where: { participant: { lineUserId: user.userId }, status: 'open' } }));
    const deps = staffDepsOn(h.db.sql, { sealer: h.ouen.sealer, program: h.ouen.program, clock: () => DURING });
    await runStaffCommand(deps, { actor: 'console:staff', roles: ['staff'], language: 'ja', displayName: '山田', command: { name: 'closeHandoff', handoffId: handoff!.id } });
    const closed = await eventually(() => (lastMessage(user).text?.includes('やりとりを終了しました') ? lastMessage(user) : undefined), 15_000);
    expect(closed.text).toContain('「応募を再開」から続きを入力できます');
    expect(closed.quickReply!.items.map((i) => i.action.label)).toEqual(['応募を再開', '応募内容の確認', 'ヘルプ', 'スタッフに相談', 'English']);
    await send(user.text('応募'));
    expect(botTexts(h.line, user.userId).at(-1)).toContain('市町村名');
  });
});
