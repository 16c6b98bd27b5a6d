/**
 * Seminar booking as a conversation, on the pure engine: the list, the card, what each
 * outcome core can report is answered with, "my seminars" with its buttons, and taps on
 * old buttons. Seats, queues and offers themselves are core's, tested in test/seminars.
 */
import { describe, expect, it } from 'vitest';
import { translateText } from '../../flows/index.ts';
import type { Effect, FlowDeps, Language, Outcome } from '../../flows/index.ts';
import { ModulePerson } from '../support/module-person.ts';
import type { BookingFacts, SeminarFacts, SeminarState } from '../../flows/seminar/seminar-types.ts';
import { program } from '../support/flow-harness.ts';
import { BEFORE_SEMINARS } from '../support/seminar-fixtures.ts';

const config = program.seminars!;

function states(overrides: Partial<Record<string, Partial<SeminarState>>> = {}): SeminarState[] {
  return config.list.map((s) => ({
    id: s.id, capacity: s.capacity, held: 0, waiting: 0, startsAt: new Date(s.startsAt).toISOString(), endsAt: new Date(s.endsAt).toISOString(), room: s.room,
    ...overrides[s.id],
  }));
}

/** A person and what core would answer: `next` is the outcome the next effect gets. */
class Person extends ModulePerson {
  facts: SeminarFacts = { seminars: states(), bookings: [], mayBook: true };
  next: Outcome | null = null;

  constructor(now: Date = BEFORE_SEMINARS, language: Language = 'ja') {
    super('seminars', now, language);
  }


  get said(): string {
    return this.messages.map((m) => (m.type === 'text' ? translateText(m.text, this.language) : [translateText(m.title, this.language), ...m.rows.map((r) => translateText(r.value, this.language)), m.footer ? translateText(m.footer, this.language) : ''].join('\n'))).join('\n');
  }

  protected apply(effect: Effect): Outcome[] {
    if (!effect.type.startsWith('seminars.')) return [];
    if (!this.next) throw new Error(`no outcome prepared for ${effect.type}`);
    return [this.next];
  }

  protected deps(): FlowDeps {
    return { now: this.now, program, language: this.language, facts: { contest: null, event: null, seminars: this.facts } };
  }
}

const booking = (b: Partial<BookingFacts> & { seminarId: string; status: BookingFacts['status'] }): BookingFacts => ({ bookingId: `b-${b.seminarId}`, ...b });

describe('seminar booking', () => {
  it('lists the seminars with seats left and a button each, then shows the card with a book button', () => {
    const p = new Person().send('セミナー予約');
    expect(p.said).toContain('創業資金の集め方');
    expect(p.said).toContain('残り60席');
    expect(p.said).toContain('1月23日(土) 13:30–14:20');
    expect(p.offered).toEqual(['seminar-pick:funding', 'seminar-pick:marketing', 'seminar-pick:founder-talk']);
    p.choose('seminar-pick:marketing');
    expect(p.said).toContain('会議室B（2階）');
    expect(p.offered).toEqual(['seminar-book:marketing']);
    expect(p.effects).toEqual([]);
  });

  it('picks a seminar by its typed name, in English too', () => {
    const p = new Person(BEFORE_SEMINARS, 'en').send('seminar').send('Funding basics');
    expect(p.offered).toEqual(['seminar-book:funding']);
    expect(p.said).toContain('Book a seminar');
  });

  it('books, and answers with the time and room', () => {
    const p = new Person().send('セミナー予約').choose('seminar-pick:funding');
    p.next = { effect: 'seminars.book', result: 'booked', seminarId: 'funding', bookingId: 'b1' };
    p.choose('seminar-book:funding');
    expect(p.effects).toEqual([{ type: 'seminars.book', seminarId: 'funding' }]);
    expect(p.said).toContain('予約しました');
    expect(p.said).toContain('会議室A（2階）');
    expect(p.state.active).toBeNull();
  });

  it.each([
    [{ effect: 'seminars.book', result: 'waitlisted', seminarId: 'funding', bookingId: 'b1', position: 4, waitOnly: false }, 'キャンセル待ち（4番目）', ['seminar-cancel:b1']],
    [{ effect: 'seminars.book', result: 'waitlisted', seminarId: 'funding', bookingId: 'b1', position: 1, waitOnly: true }, '座席数がまだ決まっていない', ['seminar-cancel:b1']],
    [{ effect: 'seminars.book', result: 'overlap', seminarId: 'founder-talk', other: { kind: 'seminar', name: { ja: '小さく始めるマーケティング', en: 'Marketing' }, startsAt: '2027-01-23T04:00:00.000Z', endsAt: '2027-01-23T05:00:00.000Z' } },
      'ご予約済みのセミナー「小さく始めるマーケティング」（1月23日(土) 13:00–14:00）と時間が重なる', []],
    [{ effect: 'seminars.book', result: 'overlap', seminarId: 'founder-talk', other: { kind: 'consultation', name: { ja: '日本政策金融公庫', en: 'JFC' }, startsAt: '2027-01-23T04:20:00.000Z', endsAt: '2027-01-23T04:40:00.000Z' } },
      'ご予約済みの「日本政策金融公庫」での個別相談（1月23日(土) 13:20–13:40）と時間が重なる', []],
    [{ effect: 'seminars.book', result: 'past', seminarId: 'funding' }, 'すでに始まっているか終了している', []],
    [{ effect: 'seminars.book', result: 'notRegistered', seminarId: 'funding' }, '参加登録済みの方が対象', []],
    [{ effect: 'seminars.book', result: 'unknown', seminarId: 'funding' }, '見つかりませんでした', []],
  ] as Array<[Outcome, string, string[]]>)('answers %o clearly', (outcome, words, buttons) => {
    const p = new Person().send('セミナー予約').choose('seminar-pick:funding');
    p.next = outcome;
    p.choose('seminar-book:funding');
    expect(p.said).toContain(words);
    expect(p.offered).toEqual(buttons);
  });

  it('says a full seminar will be joined on the waitlist before booking', () => {
    const p = new Person();
    p.facts = { ...p.facts, seminars: states({ funding: { held: 60, waiting: 3 } }) };
    p.send('セミナー予約');
    expect(p.said).toContain('満席（キャンセル待ち3人）');
    p.choose('seminar-pick:funding');
    expect(p.said).toContain('キャンセル待ちでの受付');
    const card = p.messages[0]!;
    expect(card.type === 'summary' && translateText(card.actions[0]!.label, 'ja')).toBe('キャンセル待ちする');
  });

  it('says a seminar with no seats yet takes the waitlist only', () => {
    const p = new Person();
    p.facts = { ...p.facts, seminars: states({ funding: { capacity: 0 } }) };
    expect(p.send('セミナー予約').said).toContain('座席数は後日お知らせします');
  });

  it('answers a double tap on an old card from the facts, without booking again', () => {
    const p = new Person();
    p.facts = { ...p.facts, bookings: [booking({ seminarId: 'funding', status: 'booked' })] };
    p.choose('seminar-book:funding');
    expect(p.effects).toEqual([]);
    expect(p.said).toContain('すでにご予約済み');
  });

  it('refuses a past seminar and lists only those ahead', () => {
    const during = new Date('2027-01-23T14:35:00+09:00');
    const p = new Person(during).send('セミナー予約');
    expect(p.offered).toEqual(['seminar-pick:founder-talk']);
    p.choose('seminar-pick:funding');
    expect(p.said).toContain('すでに始まっているか終了している');
    expect(new Person(new Date('2027-01-24T00:00:00+09:00')).send('セミナー予約').said).toContain('いま予約を受け付けているセミナーはありません');
  });

  it('tells someone who may not book why, before listing', () => {
    const p = new Person();
    p.facts = { ...p.facts, mayBook: false };
    expect(p.send('セミナー予約').said).toContain('参加登録済みの方が対象');
  });

  it('asks again when the typed answer is not a seminar', () => {
    const p = new Person().send('セミナー予約').send('ランチ');
    expect(p.state.active?.stepId).toBe('list');
    expect(p.offered).toHaveLength(3);
  });
});

describe('my seminars', () => {
  const mine = [
    booking({ seminarId: 'funding', status: 'booked' }),
    booking({ seminarId: 'marketing', status: 'waitlisted', position: 2 }),
    booking({ seminarId: 'founder-talk', status: 'offered', offerExpiresAt: '2027-01-10T13:00:00.000Z' }),
  ];

  it('lists each booking with its standing and its buttons', () => {
    const p = new Person();
    p.facts = { ...p.facts, bookings: mine };
    p.send('セミナー予約確認');
    expect(p.said).toContain('（予約済み）');
    expect(p.said).toContain('キャンセル待ち 2番目');
    expect(p.said).toContain('2027年1月10日 22:00まで');
    expect(p.offered).toEqual(['seminar-cancel:b-funding', 'seminar-cancel:b-marketing', 'seminar-accept:b-founder-talk', 'seminar-cancel:b-founder-talk']);
  });

  it('says when there is none', () => {
    expect(new Person(BEFORE_SEMINARS, 'en').send('my seminars').said).toContain('no seminar bookings');
  });

  it.each([
    ['b-funding', '予約をキャンセルしますか', { effect: 'seminars.cancel', result: 'cancelled', seminarId: 'funding' }, 'キャンセルしました'],
    ['b-marketing', 'キャンセル待ちをやめますか', { effect: 'seminars.cancel', result: 'left', seminarId: 'marketing' }, 'キャンセル待ちをやめました'],
    ['b-founder-talk', '辞退しますか', { effect: 'seminars.cancel', result: 'declined', seminarId: 'founder-talk' }, '辞退しました'],
    ['b-funding', '予約をキャンセルしますか', { effect: 'seminars.cancel', result: 'tooLate', seminarId: 'funding', cutoffAt: '2027-01-23T01:30:00.000Z' }, '2027年1月23日 10:30 で終了'],
  ] as Array<[string, string, Outcome, string]>)('asks before giving %s up, then answers', (bookingId, question, outcome, words) => {
    const p = new Person();
    p.facts = { ...p.facts, bookings: mine };
    p.choose(`seminar-cancel:${bookingId}`);
    expect(p.said).toContain(question);
    p.next = outcome;
    p.choose('yes');
    expect(p.effects).toEqual([{ type: 'seminars.cancel', bookingId, seminarId: bookingId.slice('b-'.length) }]);
    expect(p.said).toContain(words);
  });

  it('keeps the booking on "no"', () => {
    const p = new Person();
    p.facts = { ...p.facts, bookings: mine };
    p.choose('seminar-cancel:b-funding').choose('no');
    expect(p.effects).toEqual([]);
    expect(p.said).toContain('そのままにしておきます');
  });

  it('sends a guessed or someone else\'s booking id to core, and says it was not found', () => {
    const p = new Person();
    p.next = { effect: 'seminars.cancel', result: 'notFound' };
    p.choose('seminar-cancel:00000000-0000-4000-8000-000000000000');
    expect(p.effects).toEqual([{ type: 'seminars.cancel', bookingId: '00000000-0000-4000-8000-000000000000', seminarId: null }]);
    expect(p.said).toContain('そのご予約は見つかりませんでした');
  });

  it.each([
    [{ effect: 'seminars.accept', result: 'booked', seminarId: 'founder-talk' }, 'ご予約が確定しました'],
    [{ effect: 'seminars.accept', result: 'expired', seminarId: 'founder-talk' }, '回答期限が過ぎた'],
    [{ effect: 'seminars.accept', result: 'overlap', seminarId: 'founder-talk', other: { kind: 'consultation', name: { ja: '日本政策金融公庫', en: 'JFC' }, startsAt: '2027-01-23T04:20:00.000Z', endsAt: '2027-01-23T04:40:00.000Z' } }, '「日本政策金融公庫」での個別相談'],
    [{ effect: 'seminars.accept', result: 'notRegistered', seminarId: 'founder-talk' }, '参加登録済みの方が対象'],
    [{ effect: 'seminars.accept', result: 'notOffered' }, 'このご案内はすでに終了'],
    [{ effect: 'seminars.accept', result: 'notFound' }, '見つかりませんでした'],
  ] as Array<[Outcome, string]>)('accepts an offer from the pushed button and answers %o', (outcome, words) => {
    const p = new Person();
    p.facts = { ...p.facts, bookings: mine };
    p.next = outcome;
    p.choose('seminar-accept:b-founder-talk');
    expect(p.effects).toEqual([{ type: 'seminars.accept', bookingId: 'b-founder-talk', seminarId: 'founder-talk' }]);
    expect(p.said).toContain(words);
  });
});
