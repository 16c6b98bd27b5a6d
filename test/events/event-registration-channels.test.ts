/**
 * Event registration end to end, through the one turn pipeline, on real PostgreSQL and
 * Redis: a LINE user registers (consent, attendee type, questions, the card, "register")
 * and gets the ticket, whose QR image the server serves and which reads back as the
 * token; the event is then full, so a Discord user joins the waitlist with their
 * position; the LINE user cancels and the Discord user, first in line, is told by push
 * through the outbox that they hold the place. Bad input on the way: a double tap, a
 * cancel with someone else's registration id, a forged ticket.
 */
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { programFileWith } from '../support/program-file.ts';
import { REGISTRATION_OPEN } from '../support/event-fixtures.ts';
import { DmUser } from '../support/dm-user.ts';
import { startOuenWithDiscord, type FakeDiscord } from '../support/fake-discord.ts';
import { botTexts, callbackBody, LineUser } from '../support/line-events.ts';
import { eventually, type Harness } from '../support/ouen-harness.ts';

const jsQR = jsQRModule.default;

/** The built-in program with one place at its event. */
function programWithOnePlace(): string {
  return programFileWith((program) => {
    program.event.registration.capacity = 1;
  });
}

let h: Harness;
let discord: FakeDiscord;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ h, discord, close } = await startOuenWithDiscord({ clock: () => REGISTRATION_OPEN, env: { OUEN_PROGRAM_FILE: programWithOnePlace() } }));
}, 60_000);

afterAll(async () => {
  await close?.();
});

type Flex = { type: string; altText?: string; contents?: { hero?: { url: string }; footer?: { contents: Array<{ action?: { data: string } }> } } };

async function send(event: unknown): Promise<void> {
  expect((await h.post(callbackBody(h.line.botUserId, event as never))).status).toBe(200);
  await h.settle();
}

/** The ticket card the LINE user was sent last: its image URL and its cancel button's value. */
function lastTicket(user: LineUser): { imageUrl: string; cancel: string } {
  const card = [...h.line.botMessages(user.userId)].reverse().find((m) => (m as Flex).contents?.hero) as Flex | undefined;
  expect(card, 'a ticket card').toBeDefined();
  const cancel = card!.contents!.footer!.contents.map((c) => c.action?.data ?? '').find((d) => d.startsWith('c:event-cancel:'))!;
  return { imageUrl: card!.contents!.hero!.url, cancel: cancel.slice('c:'.length) };
}

async function registerOnLine(user: LineUser): Promise<void> {
  await send(user.text('参加登録'));
  expect(botTexts(h.line, user.userId).at(-1)).toContain('個人情報の取り扱い');
  await send(user.choose('yes'));
  await send(user.choose('founder'));
  await send(user.text('千葉 太郎'));
  await send(user.choose('event-skip'));
  await send(user.text('taro@example.jp'));
  await send(user.choose('poster'));
  const card = botTexts(h.line, user.userId).at(-1)!;
  expect(card).toContain('参加登録の内容');
  expect(card).toContain('taro@example.jp');
  await send(user.choose('event-register'));
}

describe('event registration on LINE and in Discord DMs', () => {
  let taro: LineUser;
  let ticket: { imageUrl: string; cancel: string };
  let hanako: DmUser;

  it('registers a LINE user and hands over a ticket whose QR code is the signed token', async () => {
    taro = new LineUser(h.line);
    hanako = new DmUser(discord);
    await registerOnLine(taro);
    expect(botTexts(h.line, taro.userId).join('\n')).toContain('参加登録が完了しました');
    ticket = lastTicket(taro);
    expect(ticket.imageUrl).toMatch(/\/tickets\/[A-Za-z0-9_-]+\.png$/);
    const token = ticket.imageUrl.match(/\/tickets\/([A-Za-z0-9_-]+)\.png$/)![1]!;
    // No personal data in the token (and so in the QR code or the URL).
    for (const personal of ['千葉', 'taro', 'example']) expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain(personal);

    const image = await fetch(new URL(new URL(ticket.imageUrl).pathname, h.ouen.url));
    expect(image.status).toBe(200);
    const png = PNG.sync.read(Buffer.from(await image.arrayBuffer()));
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(token);

    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await fetch(new URL(`/tickets/${forged}.png`, h.ouen.url))).status).toBe(404);
  });

  it('answers a second tap on "register" with the ticket, registering nobody twice', async () => {
    const before = await h.db.prisma.eventRegistration.count();
    await send(taro.choose('event-register'));
    expect(botTexts(h.line, taro.userId).join('\n')).toContain('すでに参加登録済み');
    expect(await h.db.prisma.eventRegistration.count()).toBe(before);
  });

  it('shows the ticket again on 「参加登録確認」, and offers it in the menu', async () => {
    await send(taro.text('参加登録確認'));
    expect(lastTicket(taro).imageUrl).toBe(ticket.imageUrl);
    await send(taro.text('メニュー'));
    const menu = h.line.botMessages(taro.userId).at(-1) as { quickReply?: { items: Array<{ action: { label: string } }> } };
    const labels = menu.quickReply!.items.map((i) => i.action.label);
    expect(labels).toContain('参加登録確認');
    expect(labels).not.toContain('参加登録');
  });

  it('puts a Discord user on the waitlist once the place is taken, with the position', async () => {
    await hanako.write('参加登録');
    await hanako.click('yes');
    await hanako.click('student');
    await hanako.write('市川 花子');
    await hanako.click('event-skip');
    await hanako.write('hanako@example.jp');
    await hanako.click('sns');
    await hanako.click('event-register');
    await eventually(() => hanako.said().includes('キャンセル待ち（1番目）'));
  });

  it('refuses to cancel someone else\'s registration by its id, saying it cannot find it', async () => {
    const other = new LineUser(h.line);
    await send(other.choose(ticket.cancel));
    await send(other.choose('yes'));
    expect(botTexts(h.line, other.userId).at(-1)).toContain('見つかりませんでした');
    expect(await h.db.prisma.eventRegistration.count({ where: { status: 'registered' } })).toBe(1);
  });

  it('frees the place on cancel and registers the first person waiting, who is told by push', async () => {
    await send(taro.choose(ticket.cancel));
    await send(taro.choose('yes'));
    expect(botTexts(h.line, taro.userId).at(-1)).toContain('キャンセルしました');
    expect((await fetch(new URL(new URL(ticket.imageUrl).pathname, h.ouen.url))).status).toBe(404);
    // Handed to the worker after commit: no wait for its sweep.
    // The text and the ticket card are two DMs, posted one after the other: wait for both.
    const promoted = await eventually(() => hanako.said().includes('参加登録が確定しました') && hanako.answers().find((b) => b.embeds?.some((e) => e.image?.url)), 8_000);
    expect(promoted?.embeds?.[0]?.image?.url).toMatch(/\/tickets\/[A-Za-z0-9_-]+\.png$/);
    const counts = await h.db.prisma.eventRegistration.groupBy({ by: ['status'], _count: true });
    expect(Object.fromEntries(counts.map((c) => [c.status, c._count]))).toEqual({ registered: 1, cancelled: 1 });
  }, 40_000);
});

