/**
 * The participant flows in Discord DMs, with ouen running on real PostgreSQL and Redis
 * and real discord.js: a Discord user completes the contest application (buttons, a
 * date form, a PDF attachment, the confirmation card's select), staff try the flows
 * with `/preview`, and the outbox worker reaches a Discord participant with a staff
 * answer. Every request validates against Discord's OpenAPI definition.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { runStaffCommand, staffDepsOn } from '../../bot/staff/staff-commands.ts';
import { OutboxQueue } from '../../runtime/outbox-queue.ts';
import { DURING } from '../support/flow-harness.ts';
import { MINIMAL_PDF } from '../support/line-events.ts';
import {
  dmChannelOf, dmClick, dmModalSubmit, slashCommand, snowflake, startOuenWithDiscord, type FakeDiscord,
} from '../support/fake-discord.ts';
import { eventually, type Harness } from '../support/ouen-harness.ts';
import { DmUser, type Body } from '../support/dm-user.ts';

const STAFF_ROLE = snowflake();
const VIEWER_ROLE = snowflake();
let discord: FakeDiscord;
let h: Harness;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ discord, h, close } = await startOuenWithDiscord({
    clock: () => DURING, env: { OUEN_STAFF_ROLES: JSON.stringify({ staff: [STAFF_ROLE], viewer: [VIEWER_ROLE] }), DISCORD_INBOX_CHANNEL_ID: snowflake() },
  }));
});

afterAll(async () => {
  await close?.();
});

describe('the contest application in Discord DMs', () => {
  it('can be completed with buttons, a date form, a PDF and the confirmation card', async () => {
    const user = new DmUser(discord);
    await user.write('応募');
    expect(user.said()).toContain('個人情報');
    await user.click('yes');
    await user.click('now');
    await user.write('船橋市');
    await user.click('corporation');
    // Discord has no date picker: a button opens a form.
    const form = await user.interact(dmClick({ applicationId: discord.applicationId, userId: user.id, customId: 'ouen:flow:date' }));
    expect(form.body).toMatchObject({ type: 9, data: { custom_id: 'ouen:flow:date-form' } });
    await user.interact(dmModalSubmit({ applicationId: discord.applicationId, userId: user.id, customId: 'ouen:flow:date-form', values: { date: '2024/4/1' } }));
    for (const text of ['千葉 太郎', 'ちば たろう', 'taro@example.jp', '090-1234-5678']) await user.write(text);
    await user.click('30s');
    await user.click('founder');
    await user.write('ちばラボ');
    await user.write('房総の工房');
    await user.click('tourism');
    await user.write('空き家を工房にします。');
    await user.write('空き家の増加。');
    await user.write('', [discord.attachment('plan.pdf', MINIMAL_PDF, 'application/pdf')]);
    await user.click('yes');
    await user.click('sns');
    const card = user.answers().at(-1)!;
    expect(card.embeds![0]!.title).toContain('応募内容の確認');
    expect(card.embeds![0]!.fields).toContainEqual({ name: '創業日', value: '2024年4月1日' });
    const change = card.components!.flatMap((r) => r.components).find((c) => c.custom_id === 'ouen:flow:change')!;
    expect(change.options!.map((o) => o.value)).toContain('change:phone');
    await user.interact(dmClick({ applicationId: discord.applicationId, userId: user.id, customId: 'ouen:flow:change', values: ['change:phone'] }));
    await user.write('043-123-4567');
    await user.click('submit');
    expect(user.said()).toMatch(/受付番号：BC2026-\d{4}/);

    const participant = await h.db.prisma.participant.findUniqueOrThrow({ where: { discordUserId: user.id }, include: { applications: { include: { documents: true } } } });
    expect(participant.lineUserId).toBeNull();
    expect(participant.applications[0]!.status).toBe('submitted');
    expect(participant.applications[0]!.documents).toHaveLength(1);
    expect(discord.invalidRequests()).toEqual([]);
  }, 60_000);

  it('lets staff try the flows with /preview, and refuses others', async () => {
    const staffId = snowflake();
    const preview = slashCommand({ applicationId: discord.applicationId, name: 'preview', userId: staffId, roleIds: [STAFF_ROLE] });
    discord.dispatch('INTERACTION_CREATE', preview);
    const answer = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(preview.token));
    expect((answer.body as Body).content).toContain('DM にボットからのメッセージを送りました');
    const greeting = await discord.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${dmChannelOf(staffId)}/messages`);
    expect((greeting.body as Body).content).toBeTruthy();

    const other = slashCommand({ applicationId: discord.applicationId, name: 'preview', userId: snowflake(), roleIds: [snowflake()] });
    discord.dispatch('INTERACTION_CREATE', other);
    const refused = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(other.token));
    expect((refused.body as Body).content).toBe('ouen のスタッフロールがありません。管理者にロールの付与を依頼してください。');

    // A staff role that may not preview is told which roles may, and which it has (no placeholders left).
    const viewer = slashCommand({ applicationId: discord.applicationId, name: 'preview', userId: snowflake(), roleIds: [VIEWER_ROLE] });
    discord.dispatch('INTERACTION_CREATE', viewer);
    const told = await discord.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(viewer.token));
    expect((told.body as Body).content).toMatch(/^この操作（.+）は.+のロールが必要です。あなたのロール: 閲覧のみ。$/);
  });

  it('reaches a Discord participant through the outbox worker: a staff answer to their handoff', async () => {
    const user = new DmUser(discord);
    await user.write('スタッフと話したい');
    expect(user.said()).toContain('スタッフにおつなぎしました');
    // While staff have the conversation the menu words still work, and say the conversation stays open.
    await user.click('cmd:help');
    expect(user.said()).toContain('スタッフとの相談は続いています');
    const handoff = (await eventually(() => h.db.prisma.handoff.findFirst({ where: { participant: { discordUserId: user.id }, status: 'open' } })))!;
    const queue = new OutboxQueue(redisConnection(h.ouen.env.REDIS_URL), h.ouen.env.OUEN_QUEUE_PREFIX);
    try {
      const deps = staffDepsOn(h.db.sql, { sealer: h.ouen.sealer, program: h.ouen.program, clock: () => DURING, release: (ids) => queue.enqueue(ids) });
      const reply = await runStaffCommand(deps, { actor: 'console:staff', roles: ['staff'], language: 'ja', displayName: '山田', command: { name: 'reply', handoffId: handoff.id, text: 'ご用件をどうぞ。' } });
      expect(reply.text).toBe('LINE で送信しました。');
    } finally {
      await queue.close();
    }
    const pushed = await eventually(() => discord.requests.find((r) => r.method === 'POST' && r.path === `/channels/${dmChannelOf(user.id)}/messages`
      && (r.body as Body).content?.startsWith('ご用件をどうぞ。')), 15_000);
    expect(pushed.body).toMatchObject({ content: 'ご用件をどうぞ。\n\n— 山田（ちば起業家応援事業 事務局）', enforce_nonce: true, nonce: expect.stringMatching(/^[0-9a-f]{22}0$/) });
    expect(discord.requests.some((r) => r.method === 'POST' && r.path === '/users/@me/channels')).toBe(true);
    expect(discord.invalidRequests()).toEqual([]);
  });
});

