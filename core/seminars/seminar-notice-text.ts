/**
 * What the people a seminar's time change concerns read (Japanese first, English), by
 * where they stand: a seat, an offer, a waitlist place. Written out in full when the
 * notice is drafted, so the approver approves exactly the words that go out, as with a
 * broadcast; each person still reads it in their own language (core/outbox/outbox-content.ts).
 *
 * The texts live here, beside the staff service that drafts them, rather than in the
 * participant flow's catalog: no flow ever shows them, and they are composed once per
 * notice rather than per turn. Same keys in both languages (a test checks).
 */
import { formatInstant, localTime } from '../../flows/engine/dates.ts';
import type { Localized } from '../../flows/engine/base-program.ts';

export type NoticeAudience = 'booked' | 'offered' | 'waitlisted';

export const seminarNoticeCatalog = {
  ja: {
    booked: '【セミナー時間変更のお知らせ】\nご予約の「{title}」の時間が変更になりました。\n新しい時間: {when}（会場: {room}）\n変更前: {before}\nご都合が合わない場合は「予約確認」からキャンセルできます。',
    offered: '【セミナー時間変更のお知らせ】\nお席をご案内中の「{title}」の時間が変更になりました。\n新しい時間: {when}（会場: {room}）\n変更前: {before}\nお受けになるかどうかは、ご案内のボタンからお選びください。',
    waitlisted: '【セミナー時間変更のお知らせ】\nキャンセル待ち中の「{title}」の時間が変更になりました。\n新しい時間: {when}（会場: {room}）\n変更前: {before}\nお席が空きしだい、引き続き順番にご案内します。',
  },
  en: {
    booked: 'Seminar time change\nThe time of "{title}", which you booked, has changed.\nNew time: {when} (room: {room})\nBefore: {before}\nIf it no longer suits you, you can cancel from "my bookings".',
    offered: 'Seminar time change\nThe time of "{title}", whose seat we are offering you, has changed.\nNew time: {when} (room: {room})\nBefore: {before}\nPlease answer with the buttons of the offer.',
    waitlisted: 'Seminar time change\nThe time of "{title}", for which you are on the waitlist, has changed.\nNew time: {when} (room: {room})\nBefore: {before}\nWe will still offer you a seat in turn as one frees up.',
  },
} satisfies Record<'ja' | 'en', Record<NoticeAudience, string>>;

export interface NoticeFacts {
  title: Localized;
  room: Localized;
  before: { startsAt: Date; endsAt: Date };
  after: { startsAt: Date; endsAt: Date };
  timeZone: string;
}

/** The notice for one audience, in both languages. */
export function seminarNoticeText(audience: NoticeAudience, facts: NoticeFacts): { ja: string; en: string } {
  const text = (language: 'ja' | 'en') => {
    const span = (t: { startsAt: Date; endsAt: Date }) => `${formatInstant(t.startsAt.toISOString(), language, facts.timeZone)}–${localTime(t.endsAt, facts.timeZone)}`;
    const params: Record<string, string> = { title: facts.title[language], room: facts.room[language], when: span(facts.after), before: span(facts.before) };
    return seminarNoticeCatalog[language][audience].replace(/\{(\w+)\}/g, (_, key: string) => params[key] ?? '');
  };
  return { ja: text('ja'), en: text('en') };
}
