/**
 * Event registration as a conversation, on the pure engine: what the person is asked and
 * told for each answer and each outcome core can report. The places themselves (and the
 * concurrency) are core's, tested on real PostgreSQL in test/events.
 */
import { describe, expect, it } from 'vitest';
import { translateText } from '../../flows/index.ts';
import type { Effect, FlowDeps, Language, Outcome } from '../../flows/index.ts';
import { ModulePerson } from '../support/module-person.ts';
import type { RegistrationFacts } from '../../flows/event/event-types.ts';
import { program } from '../support/flow-harness.ts';
import { AFTER_CLOSING, BEFORE_OPENING, REGISTRATION_OPEN } from '../support/event-fixtures.ts';

const TICKET = { token: 'tok', imageUrl: 'https://ouen.example/tickets/tok.png' };

/** A person and what core would answer: `next` is the outcome the next registration gets. */
class Person extends ModulePerson {
  registration: RegistrationFacts | null = null;
  next: Outcome = { effect: 'registerForEvent', result: 'registered', ticket: TICKET };

  constructor(now: Date = REGISTRATION_OPEN, language: Language = 'ja') {
    super('event', now, language);
  }


  get said(): string {
    return this.messages.map((m) => (m.type === 'text' ? translateText(m.text, this.language) : translateText(m.title, this.language))).join('\n');
  }

  override get offered(): string[] {
    const last = this.messages.at(-1);
    if (!last) return [];
    return last.type === 'text' ? (last.choices ?? []).map((c) => c.value) : [...last.actions.map((a) => a.value), ...last.rows.flatMap((r) => (r.change ? [r.change] : []))];
  }

  protected apply(effect: Effect): Outcome[] {
    if (effect.type === 'registerForEvent') {
      const outcome = this.next;
      if (outcome.effect === 'registerForEvent' && outcome.result === 'registered') {
        this.registration = { registrationId: 'r1', status: 'registered', attendeeType: effect.attendeeType, answers: effect.answers, ticket: TICKET };
      }
      if (outcome.effect === 'registerForEvent' && outcome.result === 'waitlisted') {
        this.registration = { registrationId: 'r1', status: 'waitlisted', position: outcome.position, attendeeType: effect.attendeeType, answers: effect.answers };
      }
      return [outcome];
    }
    if (effect.type === 'cancelEventRegistration') {
      if (!this.registration || effect.registrationId !== this.registration.registrationId) return [{ effect: 'cancelEventRegistration', result: 'notFound' }];
      this.registration = { ...this.registration, status: 'cancelled' };
      return [{ effect: 'cancelEventRegistration', result: 'cancelled' }];
    }
    return [];
  }

  protected deps(): FlowDeps {
    return { now: this.now, program, language: this.language, facts: { contest: null, event: this.registration } };
  }
}

function throughTheQuestions(person: Person): Person {
  return person.send('参加登録').choose('yes').choose('founder').send('千葉 太郎').choose('event-skip').send('taro@example.jp').choose('poster');
}

describe('event registration', () => {
  it('asks consent to the event\'s own notice first, then the attendee type and the configured questions, and shows the card', () => {
    const p = new Person().send('参加登録');
    expect(p.said).toContain('ちば起業家大交流会');
    expect(p.said).toContain(program.event!.privacy.purpose.ja);
    expect(p.offered).toEqual(['yes', 'no']);
    p.choose('yes');
    expect(p.effects).toEqual([{ type: 'recordConsent', purpose: 'event-registration', noticeVersion: program.event!.privacy.noticeVersion, granted: true }]);
    expect(p.offered).toEqual(program.event!.attendeeTypes.map((a) => a.value));
    p.choose('founder').send('千葉 太郎');
    expect(p.offered).toContain('event-skip');
    p.choose('event-skip').send('taro@example.jp').choose('poster');
    expect(p.said).toContain('参加登録の内容');
    expect(p.offered).toEqual(['event-register', 'event-change:attendeeType', 'event-change:name', 'event-change:affiliation', 'event-change:email', 'event-change:heardFrom']);
    expect(p.effects).toEqual([]);
  });

  it('stores nothing until "register", then answers from the outcome with the ticket', () => {
    const p = throughTheQuestions(new Person()).choose('event-register');
    expect(p.effects).toEqual([{ type: 'registerForEvent', attendeeType: 'founder', answers: { name: '千葉 太郎', affiliation: '', email: 'taro@example.jp', heardFrom: 'poster' } }]);
    expect(p.said).toContain('参加登録が完了しました');
    const card = p.messages.at(-1)!;
    expect(card.type === 'summary' && card.image?.url).toBe(TICKET.imageUrl);
    expect(p.offered).toContain('event-cancel:r1');
  });

  it('changes one answer from the card and comes back to it', () => {
    const p = throughTheQuestions(new Person()).choose('event-change:email');
    expect(p.said).toContain('メール');
    p.send('hanako@example.jp');
    expect(p.said).toContain('参加登録の内容');
    p.choose('event-register');
    expect(p.effects[0]).toMatchObject({ type: 'registerForEvent', answers: { email: 'hanako@example.jp' } });
  });

  it('asks again for an e-mail address that is not one, with the reason', () => {
    const p = new Person().send('参加登録').choose('yes').choose('founder').send('千葉 太郎').choose('event-skip').send('taro@example');
    expect(p.state.active?.stepId).toBe('email');
    expect(p.said).toContain('ドメイン');
  });

  it('says the waitlist position when the event is full, and offers to leave it', () => {
    const p = throughTheQuestions(new Person());
    p.next = { effect: 'registerForEvent', result: 'waitlisted', position: 3 };
    p.choose('event-register');
    expect(p.said).toContain('キャンセル待ち（3番目）');
    expect(p.offered).toEqual(['event-cancel:r1']);
  });

  it('answers a registration core finds closed, or already made, in words', () => {
    const closed = throughTheQuestions(new Person());
    closed.next = { effect: 'registerForEvent', result: 'closed' };
    closed.choose('event-register');
    expect(closed.said).toContain('受付は終了しました');
    const twice = throughTheQuestions(new Person());
    twice.next = { effect: 'registerForEvent', result: 'already', status: 'registered', ticket: TICKET };
    twice.choose('event-register');
    expect(twice.said).toContain('すでに参加登録済み');
  });

  it('says when registration opens before it does, and that it has closed after', () => {
    expect(new Person(BEFORE_OPENING).send('参加登録').said).toContain('からです');
    expect(new Person(AFTER_CLOSING).send('参加登録').said).toContain('受付は終了しました');
  });

  it('records a refusal of consent and asks nothing more', () => {
    const p = new Person().send('参加登録').choose('no');
    expect(p.effects).toEqual([{ type: 'recordConsent', purpose: 'event-registration', noticeVersion: program.event!.privacy.noticeVersion, granted: false }]);
    expect(p.state.active).toBeNull();
  });

  it('shows the ticket on 「参加登録確認」, and cancels after asking', () => {
    const p = throughTheQuestions(new Person()).choose('event-register');
    expect(new Person().send('参加登録確認').said).toContain('まだ参加登録はありません');
    p.send('参加登録確認');
    expect(p.said).toContain('参加チケット');
    p.choose('event-cancel:r1');
    expect(p.offered).toEqual(['yes', 'no']);
    p.choose('no');
    expect(p.said).toContain('登録はそのままです');
    expect(p.registration?.status).toBe('registered');
    p.choose('event-cancel:r1').choose('yes');
    expect(p.effects).toEqual([{ type: 'cancelEventRegistration', registrationId: 'r1' }]);
    expect(p.said).toContain('キャンセルしました');
    expect(p.send('参加登録確認').said).toContain('キャンセル済み');
  });

  it('passes a guessed registration id to core, which does not find it', () => {
    const p = new Person().choose('event-cancel:00000000-0000-4000-8000-000000000000').choose('yes');
    expect(p.said).toContain('見つかりませんでした');
  });

  it('speaks English to an English speaker', () => {
    const p = new Person(REGISTRATION_OPEN, 'en').send('register');
    expect(p.said).toContain('Do you agree?');
  });
});
