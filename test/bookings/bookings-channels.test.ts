/**
 * The whole booking day of two people, end to end through the one turn pipeline on real
 * PostgreSQL and Redis — Taro on LINE (signed webhooks, answers at the fake LINE API,
 * every request checked against LINE's spec when the harness closes) and Hanako in
 * Discord DMs:
 *
 * 1. both register for the event; Taro books the seminars 「創業資金」 and 「マーケティング」,
 *    which had one seat, so Hanako joins its waitlist (1st);
 * 2. Taro cancels 「マーケティング」 from 予約確認; Hanako is offered the seat by push and
 *    accepts it;
 * 3. Hanako books a consultation with an intake, moves it, and is refused a time that
 *    overlaps her seminar, which the answer names;
 * 4. 予約確認 shows each of them their ticket, seminars and consultations;
 * 5. Taro cannot cancel Hanako's consultation by its id, nor a made-up seminar booking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotsOf } from '../support/booth-fixtures.ts';
import { DmUser } from '../support/dm-user.ts';
import { REGISTRATION_OPEN } from '../support/event-fixtures.ts';
import { startOuenWithDiscord, type FakeDiscord } from '../support/fake-discord.ts';
import { botTexts, callbackBody, LineUser } from '../support/line-events.ts';
import { eventually, type Harness } from '../support/ouen-harness.ts';
import { programFileWith } from '../support/program-file.ts';

const yorozu = slotsOf('yorozu'); // 13:30–14:00, 14:00–14:30, 14:30–15:00 … (23 Jan 2027)

/** The built-in program, with one seat at the marketing seminar (14:30–15:20). */
function program(): string {
  return programFileWith((p) => {
    p.seminars.list.find((s: { id: string }) => s.id === 'marketing').capacity = 1;
  });
}

let h: Harness;
let discord: FakeDiscord;
let close: () => Promise<void>;
let taro: LineUser;
let hanako: DmUser;

beforeAll(async () => {
  ({ h, discord, close } = await startOuenWithDiscord({ clock: () => REGISTRATION_OPEN, env: { OUEN_PROGRAM_FILE: program() } }));
  taro = new LineUser(h.line);
  hanako = new DmUser(discord);
}, 60_000);

afterAll(async () => {
  await close?.();
});

async function line(event: unknown): Promise<void> {
  expect((await h.post(callbackBody(h.line.botUserId, event as never))).status).toBe(200);
  await h.settle();
}
const taroLast = () => botTexts(h.line, taro.userId).at(-1)!;
/** Every postback value the LINE user was offered in the bot's last answer (buttons and quick replies). */
const taroButtons = () => [...JSON.stringify(h.line.botMessages(taro.userId).slice(-5)).matchAll(/"data":"c:([^"]+)"/g)].map((m) => m[1]!);
const bookingId = async (who: 'taro' | 'hanako', seminarId: string) => {
  const participant = who === 'taro'
    ? await h.db.prisma.participant.findFirstOrThrow({ where: { lineUserId: taro.userId } })
    : await h.db.prisma.participant.findFirstOrThrow({ where: { discordUserId: hanako.id } });
  return (await h.db.prisma.seminarBooking.findFirstOrThrow({ where: { participantId: participant.id, seminarId }, orderBy: { createdAt: 'desc' } })).id;
};
const hanakosConsultation = async () => {
  const participant = await h.db.prisma.participant.findFirstOrThrow({ where: { discordUserId: hanako.id } });
  return h.db.prisma.consultation.findFirstOrThrow({ where: { participantId: participant.id, status: 'booked' } });
};

describe('booking the event day on LINE and in Discord DMs', () => {
  it('registers both for the event', async () => {
    for (const [action, value] of [['text', '参加登録'], ['choose', 'yes'], ['choose', 'founder'], ['text', '千葉 太郎'], ['choose', 'event-skip'], ['text', 'taro@example.jp'], ['choose', 'poster'], ['choose', 'event-register']] as const) {
      await line(action === 'text' ? taro.text(value) : taro.choose(value));
    }
    expect(botTexts(h.line, taro.userId).join('\n')).toContain('参加登録が完了しました');
    await hanako.write('参加登録');
    for (const value of ['yes', 'student']) await hanako.click(value);
    await hanako.write('市川 花子');
    await hanako.click('event-skip');
    await hanako.write('hanako@example.jp');
    for (const value of ['sns', 'event-register']) await hanako.click(value);
    await eventually(() => hanako.said().includes('参加登録が完了しました'));
  }, 30_000);

  it('books Taro two seminars on LINE, the second taking its last seat; Hanako joins its waitlist', async () => {
    await line(taro.text('セミナー予約'));
    await line(taro.choose('seminar-pick:funding'));
    await line(taro.choose('seminar-book:funding'));
    expect(taroLast()).toContain('「創業資金の集め方 ― 融資・補助金・出資の基礎」を予約しました');
    await line(taro.choose('seminar-pick:marketing'));
    await line(taro.choose('seminar-book:marketing'));
    expect(taroLast()).toContain('を予約しました');

    await hanako.write('セミナー予約');
    await hanako.click('seminar-pick:marketing');
    await hanako.click('seminar-book:marketing');
    await eventually(() => hanako.said().includes('キャンセル待ち（1番目）'));
  }, 30_000);

  it('offers the freed seat to Hanako by push when Taro cancels from 予約確認, and she accepts it', async () => {
    await line(taro.text('予約確認'));
    const cancel = `seminar-cancel:${await bookingId('taro', 'marketing')}`;
    expect(taroButtons()).toContain(cancel);
    await line(taro.choose(cancel));
    await line(taro.choose('yes'));
    expect(taroLast()).toContain('の予約をキャンセルしました');

    const offer = `seminar-accept:${await bookingId('hanako', 'marketing')}`;
    await eventually(() => hanako.answers().some((b) => b.components?.some((row) => row.components.some((c) => c.custom_id === `ouen:flow:c:${offer}`))), 10_000);
    expect(hanako.said()).toContain('セミナーのお席のご案内');
    await hanako.click(offer);
    await eventually(() => hanako.said().includes('のご予約が確定しました'));
    expect(await h.db.prisma.seminarBooking.findUniqueOrThrow({ where: { id: await bookingId('hanako', 'marketing') } })).toMatchObject({ status: 'booked' });
  }, 40_000);

  it('books Hanako a consultation with an intake, moves it, and refuses a time over her seminar, naming it', async () => {
    await hanako.write('相談予約');
    await hanako.click('consult-booth:yorozu');
    await hanako.click(`consult-slot:${yorozu[0]!.id}`);
    await hanako.write('販路開拓について相談したいです');
    await hanako.click('consult-book');
    await eventually(() => hanako.said().includes('個別相談を予約しました'));
    const booked = await hanakosConsultation();
    expect(booked.slotId).toBe(yorozu[0]!.id);
    expect(booked.intakeSealed).not.toContain('販路');

    await hanako.click(`consult-move:${booked.id}`);
    await hanako.click(`consult-slot:${yorozu[1]!.id}`);
    await hanako.click('yes');
    await eventually(() => hanako.said().includes('予約の時間を変更しました'));
    const moved = await hanakosConsultation();
    expect(moved.slotId).toBe(yorozu[1]!.id);

    // 14:30–15:00 overlaps the marketing seminar (14:30–15:20) she now holds.
    await hanako.click(`consult-move:${moved.id}`);
    await hanako.click(`consult-slot:${yorozu[2]!.id}`);
    await hanako.click('yes');
    await eventually(() => hanako.said().includes('ご予約済みのセミナー「小さく始めるマーケティング ― SNSと地域メディアの使い方」（1月23日(土) 14:30–15:20）と重なっています'));
    expect(hanako.said()).toContain('いまの予約（1月23日(土) 14:00–14:30）はそのままです');
    expect((await hanakosConsultation()).id).toBe(moved.id);
  }, 40_000);

  it('shows each of them everything in 予約確認: the ticket, the seminars, the consultation', async () => {
    await line(taro.text('予約確認'));
    const answer = botTexts(h.line, taro.userId).slice(-3).join('\n');
    expect(answer).toContain('いまのご予約です');
    expect(answer).toContain('参加チケット');
    expect(answer).toContain('創業資金の集め方 ― 融資・補助金・出資の基礎（予約済み）');
    expect(answer).not.toContain('マーケティング');
    expect(taroButtons()).toEqual(expect.arrayContaining([expect.stringMatching(/^event-cancel:/), `seminar-cancel:${await bookingId('taro', 'funding')}`]));

    const before = hanako.answers().length;
    await hanako.write('予約確認');
    await eventually(() => hanako.answers().length >= before + 4);
    const shown = hanako.answers().slice(before);
    expect(shown.map((b) => b.content ?? b.embeds?.[0]?.title).join('\n')).toMatch(/いまのご予約です[\s\S]*参加チケット[\s\S]*小さく始めるマーケティング[\s\S]*個別相談の予約/);
    expect(shown.some((b) => b.embeds?.some((e) => e.image?.url?.match(/\/tickets\/[A-Za-z0-9_-]+\.png$/)))).toBe(true);
    const moved = await hanakosConsultation();
    const ids = shown.flatMap((b) => b.components?.flatMap((row) => row.components.map((c) => c.custom_id)) ?? []);
    expect(ids).toEqual(expect.arrayContaining([`ouen:flow:c:consult-move:${moved.id}`, `ouen:flow:c:consult-cancel:${moved.id}`, `ouen:flow:c:seminar-cancel:${await bookingId('hanako', 'marketing')}`]));
  }, 30_000);

  it('refuses Hanako\'s consultation and a made-up seminar booking to Taro, changing nothing', async () => {
    const hers = await hanakosConsultation();
    await line(taro.choose(`consult-cancel:${hers.id}`));
    expect(taroLast()).toContain('その予約は見つかりませんでした');
    await line(taro.choose('seminar-cancel:00000000-0000-4000-8000-000000000000'));
    expect(taroLast()).toContain('そのご予約は見つかりませんでした');
    await line(taro.choose(`consult-move:${hers.id}`));
    expect(taroLast()).toContain('その予約は見つかりませんでした');
    expect(await h.db.prisma.consultation.findUniqueOrThrow({ where: { id: hers.id } })).toMatchObject({ status: 'booked' });
  }, 30_000);
});
