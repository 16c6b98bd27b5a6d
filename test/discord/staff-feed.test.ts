/**
 * The staff feed and the human inbox in Discord, with ouen running on real PostgreSQL
 * and Redis: an application from LINE gets a card and a thread in the applications
 * channel, its changes and withdrawal appear in the thread; a participant who asks for
 * a person gets a thread in the inbox channel, the bot falls silent, a staff answer and
 * the close reach them on LINE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DURING } from '../support/flow-harness.ts';
import { botTexts, callbackBody, LineUser, MINIMAL_PDF } from '../support/line-events.ts';
import { buttonClick, modalSubmit, snowflake, startOuenWithDiscord, type FakeDiscord, type RecordedDiscordRequest } from '../support/fake-discord.ts';
import { eventually, type Harness } from '../support/ouen-harness.ts';

const ROLE = { staff: snowflake(), viewer: snowflake() };
const APPLICATIONS = snowflake();
const INBOX = snowflake();
const STAFF_USER = snowflake();

let discord: FakeDiscord;
let h: Harness;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ discord, h, close } = await startOuenWithDiscord({
    clock: () => DURING,
    env: {
      DISCORD_APPLICATIONS_CHANNEL_ID: APPLICATIONS, DISCORD_INBOX_CHANNEL_ID: INBOX,
      OUEN_STAFF_ROLES: JSON.stringify({ staff: [ROLE.staff], viewer: [ROLE.viewer] }),
    },
  }));
});

afterAll(async () => {
  await close?.();
});

const posts = (channelId: string) => discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`);
type Body = { content?: string; embeds?: Array<{ title: string; description?: string; fields?: Array<{ name: string; value: string }> }>; components?: Array<{ components: Array<{ custom_id: string; label: string }> }> };
const bodyOf = (r: RecordedDiscordRequest) => r.body as Body;

async function submitApplication(user: LineUser): Promise<string> {
  await h.post(callbackBody(h.line.botUserId,
    user.text('応募'), user.choose('yes'), user.choose('now'), user.text('船橋市'), user.choose('notYet'),
    user.text('千葉 太郎'), user.text('ちば たろう'), user.text('taro@example.jp'), user.text('090-1234-5678'),
    user.choose('30s'), user.choose('founder'), user.text('ちばラボ'), user.text('房総の工房'), user.choose('tourism'),
    user.text('空き家を工房にします。'), user.text('空き家の増加。'), user.choose('later'), user.choose('yes'), user.choose('sns'), user.choose('submit')));
  await h.settle();
  return /受付番号：(BC2026-\d{4})/.exec(botTexts(h.line, user.userId).join('\n'))![1]!;
}

async function click(customId: string, roleIds = [ROLE.staff], values?: Record<string, string>) {
  const interaction = values
    ? modalSubmit({ applicationId: discord.applicationId, customId, userId: STAFF_USER, roleIds, values })
    : buttonClick({ applicationId: discord.applicationId, customId, userId: STAFF_USER, roleIds });
  discord.dispatch('INTERACTION_CREATE', interaction);
  const callback = await discord.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
  if ((callback.body as { type: number }).type !== 5) return { callback, token: interaction.token };
  const answer = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path === `/webhooks/${discord.applicationId}/${interaction.token}/messages/@original`);
  return { callback, answer: answer.body as Body, token: interaction.token };
}

describe('the applications channel', () => {
  it('posts each submitted application with a thread, without personal data, and follows its changes there', async () => {
    const user = new LineUser(h.line);
    const receipt = await submitApplication(user);
    const card = await eventually(() => posts(APPLICATIONS).find((r) => bodyOf(r).embeds?.[0]?.title === `応募 ${receipt}`));
    const embed = bodyOf(card).embeds![0]!;
    expect(embed.description).toBe('房総の工房');
    expect(embed.fields).toContainEqual({ name: '状態', value: '提出済み' });
    expect(embed.fields).toContainEqual({ name: '事業計画書', value: 'なし' });
    for (const personal of ['千葉 太郎', 'taro@example.jp', '090', 'ちばラボ']) expect(JSON.stringify(card.body)).not.toContain(personal);
    const thread = await discord.waitForRequest((r) => r.method === 'POST' && r.path.startsWith(`/channels/${APPLICATIONS}/messages/`) && r.path.endsWith('/threads'));
    expect(thread.body).toEqual({ name: `${receipt} 房総の工房`, auto_archive_duration: 10080 });
    const threadId = thread.path.split('/')[4]!;

    // The plan arrives later; then the applicant withdraws.
    await h.post(callbackBody(h.line.botUserId, user.text('応募内容')));
    await h.settle();
    await h.post(callbackBody(h.line.botUserId, user.choose('change:document')));
    await h.post(callbackBody(h.line.botUserId, user.file('plan.pdf', MINIMAL_PDF, '900000000000000009')));
    await h.settle();
    const arrived = await eventually(() => posts(threadId).find((r) => bodyOf(r).content === '事業計画書が届きました。'));
    const open = bodyOf(arrived).components![0]!.components[0]!;
    expect(open.label).toBe('事業計画書を開く');
    const document = await click(open.custom_id);
    expect(document.answer!.content).toBe(`受付番号 ${receipt} の事業計画書です（閲覧は記録されます）。`);
    const file = await discord.waitForRequest((r) => r.path.includes(document.token) && r.method === 'PATCH');
    expect(file.files!.map((f) => f.name)).toEqual([`${receipt}.pdf`]);
    expect(file.files![0]!.content.subarray(0, 4).toString()).toBe('%PDF');
    expect((await click(open.custom_id, [ROLE.viewer])).answer!.content)
      .toBe('この操作（応募内容・事業計画書の閲覧）は管理者・スタッフ・審査員・県の承認者のロールが必要です。あなたのロール: 閲覧のみ。');

    await h.post(callbackBody(h.line.botUserId, user.text('応募内容')));
    await h.settle();
    await h.post(callbackBody(h.line.botUserId, user.choose('withdraw')));
    await h.settle();
    await h.post(callbackBody(h.line.botUserId, user.choose('yes')));
    await h.settle();
    await eventually(() => posts(threadId).some((r) => bodyOf(r).content === '応募が取り下げられました。'));
    const edited = discord.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith(`/channels/${APPLICATIONS}/messages/`)).at(-1)!;
    expect(bodyOf(edited).embeds![0]!.fields).toContainEqual({ name: '状態', value: '取り下げ' });
    expect(discord.invalidRequests()).toEqual([]);
  }, 30_000);
});

describe('the human inbox', () => {
  it('hands a participant to staff: a thread with the conversation, the bot silent, answers and the close on LINE', async () => {
    const user = new LineUser(h.line);
    // Three exchanges before asking: staff see them all.
    for (const text of ['ヘルプ', 'メニュー', '締切はいつですか']) {
      await h.post(callbackBody(h.line.botUserId, user.text(text)));
      await h.settle();
    }
    await h.post(callbackBody(h.line.botUserId, user.text('スタッフと話したい')));
    await h.settle();
    expect(botTexts(h.line, user.userId).at(-1)).toContain('スタッフにおつなぎしました');

    const card = await eventually(() => posts(INBOX).find((r) => bodyOf(r).embeds?.[0]?.title.startsWith('スタッフ対応の依頼')));
    const embed = bodyOf(card).embeds![0]!;
    // A conversation: one line per message, who said it first, in order.
    const lines = embed.description!.split('\n');
    expect(lines[0]).toBe('**参加者**: ヘルプ');
    expect(lines[1]).toMatch(/^\*\*ボット\*\*: 使い方/);
    expect(lines.filter((l) => l.startsWith('**参加者**: ')).map((l) => l.slice('**参加者**: '.length)))
      .toEqual(['ヘルプ', 'メニュー', '締切はいつですか', 'スタッフと話したい']);
    expect(lines.every((l) => /^\*\*(参加者|ボット)\*\*: /.test(l))).toBe(true);
    expect(embed.description).toContain('**ボット**: ごめんなさい、うまく読み取れませんでした');
    expect(embed.fields).toContainEqual({ name: '理由', value: '参加者が希望' });
    expect(embed.fields).toContainEqual({ name: '応募', value: 'なし' });
    const [reply, close] = bodyOf(card).components![0]!.components;
    const thread = await discord.waitForRequest((r) => r.method === 'POST' && r.path.startsWith(`/channels/${INBOX}/messages/`) && r.path.endsWith('/threads'));
    const threadId = thread.path.split('/')[4]!;

    // While staff have the conversation the bot stays silent; what the participant writes goes to the thread.
    const before = botTexts(h.line, user.userId).length;
    await h.post(callbackBody(h.line.botUserId, user.text('応募書類は **PDF** だけですか？')));
    await h.settle();
    expect(botTexts(h.line, user.userId)).toHaveLength(before);
    const forwarded = await eventually(() => posts(threadId).find((r) => bodyOf(r).content?.startsWith('👤 参加者:')));
    expect(bodyOf(forwarded).content).toBe('👤 参加者: 応募書類は \\*\\*PDF\\*\\* だけですか？');

    expect((await click(reply!.custom_id, [ROLE.viewer])).callback.body)
      .toMatchObject({ type: 4, data: { content: 'この操作（相談への返信・終了）は管理者・スタッフのロールが必要です。あなたのロール: 閲覧のみ。', flags: 64 } });
    const form = await click(reply!.custom_id);
    const modal = form.callback.body as { type: number; data: { custom_id: string } };
    expect(modal.type).toBe(9);
    const sent = await click(modal.data.custom_id, [ROLE.staff], { text: 'はい、PDF のみ受け付けています。' });
    expect(sent.answer!.content).toBe('LINE で送信しました。');
    const announce = await discord.waitForRequest((r) => r.method === 'POST' && r.path === `/webhooks/${discord.applicationId}/${sent.token}`);
    expect((announce.body as Body).content).toBe(`**staff-${STAFF_USER.slice(-4)}** が返信しました:\nはい、PDF のみ受け付けています。`);
    await eventually(() => botTexts(h.line, user.userId).some((t) => t === `はい、PDF のみ受け付けています。\n\n— staff-${STAFF_USER.slice(-4)}（ちば起業家応援事業 事務局）`));

    expect((await click(close!.custom_id)).answer!.content).toContain('相談を終了しました');
    await eventually(() => botTexts(h.line, user.userId).some((t) => t.startsWith('スタッフとのやりとりを終了しました')));
    await eventually(() => posts(threadId).some((r) => bodyOf(r).content === `対応を終了しました（staff-${STAFF_USER.slice(-4)}）。`));
    expect((await click(close!.custom_id)).answer!.content).toBe('この相談はすでに終了しています。');

    // The bot answers again.
    await h.post(callbackBody(h.line.botUserId, user.text('メニュー')));
    await h.settle();
    expect(botTexts(h.line, user.userId).at(-1)).toBe('ご用件を下のボタンから選んでください。');
    expect(discord.invalidRequests()).toEqual([]);
  }, 30_000);

  it('does not show staff a message the participant unsent', async () => {
    const user = new LineUser(h.line);
    await h.post(callbackBody(h.line.botUserId, user.text('090-9999-0000 まちがえた', '900000000000000777')));
    await h.settle();
    await h.post(callbackBody(h.line.botUserId, user.unsend('900000000000000777')));
    await h.settle();
    await h.post(callbackBody(h.line.botUserId, user.text('スタッフと話したい')));
    await h.settle();
    const card = await eventually(() => posts(INBOX).find((r) => bodyOf(r).embeds?.[0]?.description?.includes('**参加者**: スタッフと話したい') && !bodyOf(r).embeds?.[0]?.description?.includes('締切')));
    expect(bodyOf(card).embeds![0]!.description).not.toContain('090-9999-0000');
  });

  it('offers staff after two messages in a row the bot did not understand, and hands over when the person taps it', async () => {
    const user = new LineUser(h.line);
    await h.post(callbackBody(h.line.botUserId, user.text('セミナーの予定を知りたい')));
    await h.settle();
    await h.post(callbackBody(h.line.botUserId, user.text('相談会はありますか？')));
    await h.settle();
    expect(botTexts(h.line, user.userId).at(-1)).toContain('うまくお答えできず、ごめんなさい。ご質問は「スタッフに相談」から');
    expect(await h.db.prisma.handoff.count({ where: { participant: { lineUserId: user.userId } } })).toBe(0);
    await h.post(callbackBody(h.line.botUserId, user.choose('cmd:staff')));
    await h.settle();
    expect(botTexts(h.line, user.userId).at(-1)).toContain('スタッフにおつなぎしました');
    await eventually(() => posts(INBOX).some((r) => bodyOf(r).embeds?.[0]?.fields?.some((f) => f.value === '参加者が希望（ボットが 2 回続けて理解できなかったあと）')));
  });
});
