/**
 * Booking a booth consultation as a conversation, on the pure engine: what the person is
 * asked and told at each step and for each outcome core can report. The places and the
 * concurrency are core's, tested on real PostgreSQL in test/consultations.
 */
import { describe, expect, it } from 'vitest';
import { translateText } from '../../flows/index.ts';
import type { Effect, FlowDeps, Language, Outcome } from '../../flows/index.ts';
import { ModulePerson } from '../support/module-person.ts';
import type { BoothsFacts } from '../../flows/consult/consult-types.ts';
import { allSlots } from '../../flows/consult/consult-slots.ts';
import { BOOKING_TIME, booths, slotsOf } from '../support/booth-fixtures.ts';
import { program } from '../support/flow-harness.ts';

const funding = slotsOf('funding');
const yorozu = slotsOf('yorozu');
const allFree = () => Object.fromEntries(allSlots(booths).map((s) => [s.id, s.capacity]));

/** A person and what core would answer: `next` is the outcome of the next effect. */
class Person extends ModulePerson {
  facts: BoothsFacts = { eligible: true, consultations: [], free: allFree() };
  next: Outcome | null = null;

  constructor(now: Date = BOOKING_TIME, language: Language = 'ja') {
    super('booths', now, language);
  }


  get said(): string {
    return this.messages.map((m) => (m.type === 'text' ? translateText(m.text, this.language) : [translateText(m.title, this.language), ...m.rows.map((r) => `${translateText(r.label, this.language)}: ${translateText(r.value, this.language)}`)].join('\n'))).join('\n');
  }

  protected apply(effect: Effect): Outcome[] {
    if (!effect.type.startsWith('booths.')) return [];
    const outcome = this.next ?? { effect: 'booths.book', result: 'booked', consultationId: 'c1', slotId: (effect as { slotId: string }).slotId };
    this.next = null;
    if (outcome.effect === 'booths.book' && outcome.result === 'booked') {
      const slot = allSlots(booths).find((s) => s.id === outcome.slotId)!;
      this.facts = { ...this.facts, consultations: [...this.facts.consultations, { consultationId: outcome.consultationId, slotId: slot.id, boothId: slot.boothId, startsAt: slot.startsAt, endsAt: slot.endsAt, status: 'booked' }] };
    }
    return [outcome];
  }

  protected deps(): FlowDeps {
    return { now: this.now, program, language: this.language, facts: { contest: null, event: null, booths: this.facts } };
  }
}

function booked(person: Person, slot = funding[0]!): Person {
  return person.send('相談予約').choose('consult-booth:funding').choose(`consult-slot:${slot.id}`).send('創業融資について').choose('consult-book');
}

describe('booking a consultation', () => {
  it('asks for the booth, a free time, the intake, then confirms and books', () => {
    const person = new Person().send('相談予約');
    expect(person.said).toContain('日本政策金融公庫 千葉支店：創業融資・資金調達');
    expect(person.offered).toEqual(['consult-booth:funding', 'consult-booth:yorozu', 'consult-booth:tax-labour']);
    person.choose('consult-booth:funding');
    expect(person.said).toBe('「日本政策金融公庫 千葉支店」の空いている時間です（2027年1月23日、1枠20分）。ご希望の時間を選んでください。');
    expect(person.offered.slice(0, 2)).toEqual([`consult-slot:${funding[0]!.id}`, `consult-slot:${funding[1]!.id}`]);
    expect(person.offered).toContain('consult-more');
    person.send('13:30');
    expect(person.state.active?.stepId).toBe('intake');
    person.send('創業融資について');
    expect(person.said).toContain('日時: 1月23日(土) 13:30–13:50');
    expect(person.said).toContain('ご相談のこと: 創業融資について');
    expect(person.offered).toEqual(['consult-book', 'consult-retime']);
    person.choose('consult-book');
    expect(person.effects).toEqual([{ type: 'booths.book', slotId: funding[0]!.id, intake: '創業融資について' }]);
    expect(person.said).toContain('個別相談を予約しました');
    expect(person.offered).toEqual(['consult-move:c1', 'consult-cancel:c1']);
    expect(person.state.active).toBeNull();
  });

  it('pages through later times and goes back to the booths', () => {
    const person = new Person().send('consult').choose('consult-booth:funding').choose('consult-more');
    expect(person.offered[0]).toBe(`consult-slot:${funding[10]!.id}`);
    person.choose('consult-booths');
    expect(person.offered).toContain('consult-booth:yorozu');
  });

  it('refuses an intake with an Individual Number, and one too long', () => {
    const person = new Person().send('相談予約').choose('consult-booth:yorozu').choose(`consult-slot:${yorozu[0]!.id}`);
    person.send('番号は 1234 5678 9018 です');
    expect(person.said).toContain('マイナンバー');
    expect(person.state.active?.stepId).toBe('intake');
    person.send('あ'.repeat(201));
    expect(person.said).toContain('200字以内');
  });

  it('does not offer full times, times inside the minimum notice, or times overlapping a booking', () => {
    const person = new Person();
    person.facts = { ...person.facts, free: { ...allFree(), [funding[0]!.id]: 0 } };
    booked(person, funding[3]!);
    person.send('相談予約').choose('consult-booth:yorozu');
    // yorozu 14:30–15:00 overlaps funding 14:30–14:50.
    expect(person.offered).not.toContain(`consult-slot:${yorozu[2]!.id}`);
    const late = new Person(new Date(Date.parse(funding[0]!.startsAt) - 20 * 60_000)).send('相談予約').choose('consult-booth:funding');
    expect(late.offered[0]).toBe(`consult-slot:${funding[1]!.id}`);
  });

  it('tells people who may not book, who reached the limit, and when booking is over', () => {
    const stranger = new Person();
    stranger.facts = { ...stranger.facts, eligible: false };
    expect(stranger.send('相談予約').said).toContain('参加登録された方が対象');
    const busy = booked(booked(new Person(), funding[0]!), funding[4]!);
    expect(busy.send('相談予約').said).toBe('個別相談はお一人2件までです。予約の確認・キャンセル・変更は「相談予約確認」からどうぞ。');
    expect(new Person(new Date('2027-01-23T18:00:00+09:00')).send('相談予約').said).toBe('個別相談の予約受付は終了しました。');
  });

  it('answers each refusal from core clearly, keeping the intake and offering other times', () => {
    const cases: Array<[Outcome, string]> = [
      [{ effect: 'booths.book', result: 'full' }, 'ちょうど埋まってしまいました'],
      [{ effect: 'booths.book', result: 'past' }, 'もう過ぎています'],
      [{ effect: 'booths.book', result: 'tooSoon' }, '開始30分前まで'],
      [{ effect: 'booths.book', result: 'unknownSlot' }, '見つかりませんでした'],
      [{ effect: 'booths.book', result: 'overlap', other: { kind: 'consultation', name: { ja: '千葉県よろず支援拠点', en: 'Chiba Yorozu' }, startsAt: yorozu[0]!.startsAt, endsAt: yorozu[0]!.endsAt } },
        'ご予約済みの「千葉県よろず支援拠点」での個別相談（1月23日(土) 13:30–14:00）と重なっています'],
      [{ effect: 'booths.book', result: 'overlap', other: { kind: 'seminar', name: { ja: '資金調達入門', en: 'Funding' }, startsAt: '2027-01-23T04:00:00.000Z', endsAt: '2027-01-23T05:00:00.000Z' } },
        'ご予約済みのセミナー「資金調達入門」（1月23日(土) 13:00–14:00）と重なっています'],
    ];
    for (const [outcome, text] of cases) {
      const person = new Person().send('相談予約').choose('consult-booth:funding').choose(`consult-slot:${funding[2]!.id}`).send('販路について');
      person.next = outcome;
      person.choose('consult-book');
      expect(person.said).toContain(text);
      expect(person.offered).not.toContain(`consult-slot:${funding[2]!.id}`);
      person.choose(`consult-slot:${funding[5]!.id}`);
      expect(person.state.active?.stepId).toBe('confirm');
      expect(person.said).toContain('ご相談のこと: 販路について');
    }
    const limited = new Person().send('相談予約').choose('consult-booth:funding').choose(`consult-slot:${funding[2]!.id}`).send('x');
    limited.next = { effect: 'booths.book', result: 'limit', limit: 2 };
    expect(limited.choose('consult-book').said).toContain('お一人2件まで');
    const notRegistered = new Person().send('相談予約').choose('consult-booth:funding').choose(`consult-slot:${funding[2]!.id}`).send('x');
    notRegistered.next = { effect: 'booths.book', result: 'notEligible' };
    expect(notRegistered.choose('consult-book').said).toContain('参加登録された方が対象');
  });

  it('answers a tap on a used confirmation card (a double tap) without booking again', () => {
    const person = booked(new Person());
    person.choose('consult-book');
    expect(person.effects).toEqual([]);
    expect(person.said).toContain('このボタンは使用済みです。');
    expect(person.said).toContain('個別相談の予約は1件です。');
  });
});

describe('my consultations', () => {
  it('lists them with move and cancel, and cancels after a confirmation', () => {
    const person = booked(new Person());
    person.send('相談予約確認');
    expect(person.said).toContain('個別相談の予約は1件です。');
    person.choose('consult-cancel:c1');
    expect(person.offered).toEqual(['yes', 'no']);
    person.next = { effect: 'booths.cancel', result: 'cancelled' };
    person.choose('yes');
    expect(person.effects).toEqual([{ type: 'booths.cancel', consultationId: 'c1' }]);
    expect(person.said).toBe('個別相談の予約をキャンセルしました。ご連絡ありがとうございました。');
  });

  it('hands a guessed or someone else\'s booking id to core, which says it was not found', () => {
    const person = new Person();
    person.next = { effect: 'booths.cancel', result: 'notFound' };
    person.choose('consult-cancel:0b6c3c1e-0000-4000-8000-000000000000');
    expect(person.effects).toEqual([{ type: 'booths.cancel', consultationId: '0b6c3c1e-0000-4000-8000-000000000000' }]);
    expect(person.said).toContain('その予約は見つかりませんでした');
    expect(new Person().choose('consult-move:someone-elses').said).toContain('その予約は見つかりませんでした');
  });

  it('moves after a confirmation, and says the old booking stays when the new time was taken', () => {
    const person = booked(new Person());
    person.choose('consult-move:c1');
    expect(person.said).toContain('いまの予約は1月23日(土) 13:30–13:50です');
    expect(person.offered).not.toContain(`consult-slot:${funding[0]!.id}`);
    person.choose(`consult-slot:${funding[6]!.id}`);
    expect(person.said).toBe('1月23日(土) 13:30–13:50 から 1月23日(土) 16:00–16:20 に変更しますか？');
    person.next = { effect: 'booths.move', result: 'full' };
    person.choose('yes');
    expect(person.effects).toEqual([{ type: 'booths.move', consultationId: 'c1', slotId: funding[6]!.id }]);
    expect(person.said).toContain('いまの予約（1月23日(土) 13:30–13:50）はそのままです。');
    person.choose('consult-move:c1').choose(`consult-slot:${funding[6]!.id}`);
    person.next = { effect: 'booths.move', result: 'moved', consultationId: 'c2', slotId: funding[6]!.id };
    person.choose('yes');
    expect(person.said).toContain('予約の時間を変更しました。');
  });

  it('refuses to change or cancel inside the cutoff, with the contact', () => {
    const person = booked(new Person());
    person.now = new Date(Date.parse(funding[0]!.startsAt) - 30 * 60_000);
    expect(person.choose('consult-cancel:c1').said).toContain('開始60分前を過ぎたため');
    expect(person.choose('consult-move:c1').said).toContain('開始60分前を過ぎたため');
    person.send('相談予約確認');
    expect(person.offered).toEqual([]);
  });

  it('says there is nothing booked, in English too', () => {
    const person = new Person(BOOKING_TIME, 'en');
    expect(person.send('my consultations').said).toBe('You have no consultations booked. Send "consult" to book one.');
  });
});
