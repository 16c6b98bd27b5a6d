/**
 * 「予約確認」 as a conversation on the pure engine: the registration's ticket or waitlist
 * place, the seminar bookings and the consultations in one answer, each with the owning
 * module's buttons — which lead into that module's own flow — and an empty state that
 * offers the ways to book. The facts are what core/bookings/my-bookings-facts.ts loads.
 */
import { describe, expect, it } from 'vitest';
import { advance, initialState, mainMenu, translateText } from '../../flows/index.ts';
import type { FlowDeps, FlowInput, FlowMessage, Language, StepResult } from '../../flows/index.ts';
import { allSlots } from '../../flows/consult/consult-slots.ts';
import type { ConsultationFacts } from '../../flows/consult/consult-types.ts';
import type { MyBookingsFacts } from '../../flows/my-bookings/my-bookings-types.ts';
import type { SeminarState } from '../../flows/seminar/seminar-types.ts';
import { BOOKING_TIME, slotsOf } from '../support/booth-fixtures.ts';
import { program } from '../support/flow-harness.ts';

const now = BOOKING_TIME; // 16 Jan 2027, a week before the event
const funding = slotsOf('funding');
const yorozu = slotsOf('yorozu');
const seminarState = (id: string): SeminarState => {
  const s = program.seminars!.list.find((x) => x.id === id)!;
  return { id, capacity: s.capacity, held: s.capacity, waiting: 3, startsAt: new Date(s.startsAt).toISOString(), endsAt: new Date(s.endsAt).toISOString(), room: s.room };
};
const consultation = (id: string, slot: { id: string; boothId: string; startsAt: string; endsAt: string }): ConsultationFacts =>
  ({ consultationId: id, slotId: slot.id, boothId: slot.boothId, startsAt: slot.startsAt, endsAt: slot.endsAt, status: 'booked' });
const ticket = { token: 'tok', imageUrl: 'https://ouen.example/tickets/tok.png' };
const nothing: MyBookingsFacts = { registration: null, seminars: { bookings: [], states: [] }, consultations: [] };

const everything: MyBookingsFacts = {
  registration: { registrationId: 'r-1', status: 'registered', attendeeType: 'founder', ticket },
  seminars: {
    bookings: [
      { bookingId: 'b-fund', seminarId: 'funding', status: 'booked' },
      { bookingId: 'b-mkt', seminarId: 'marketing', status: 'waitlisted', position: 2 },
      { bookingId: 'b-talk', seminarId: 'founder-talk', status: 'offered', offerExpiresAt: '2027-01-16T13:00:00.000Z' },
    ],
    states: [seminarState('funding'), seminarState('marketing'), seminarState('founder-talk')],
  },
  consultations: [consultation('c-1', yorozu[2]!), consultation('c-2', funding[5]!)],
};

/** The deps the runtime would give: every module's facts, the whole program. */
function deps(mine: MyBookingsFacts | null, language: Language = 'ja', at = now): FlowDeps {
  return {
    now: at, program, language,
    facts: {
      'my-bookings': mine,
      event: mine?.registration ? { ...mine.registration, answers: {} } : null,
      seminars: { seminars: program.seminars!.list.map((s) => seminarState(s.id)), bookings: mine?.seminars.bookings ?? [], mayBook: true },
      booths: { eligible: true, consultations: mine?.consultations ?? [], free: Object.fromEntries(allSlots(program.booths!).map((s) => [s.id, 1])) },
      contest: null,
    },
  };
}

const send = (input: FlowInput | string, d: FlowDeps): StepResult =>
  advance(initialState(), typeof input === 'string' ? { type: 'text', text: input } : input, d);
const text = (m: FlowMessage, language: Language = 'ja') => (m.type === 'text'
  ? translateText(m.text, language)
  : [translateText(m.title, language), ...m.rows.map((r) => `${translateText(r.label, language)}: ${translateText(r.value, language)}`), m.footer ? translateText(m.footer, language) : ''].join('\n'));
const buttons = (m: FlowMessage) => (m.type === 'text' ? (m.choices ?? []).map((c) => c.value) : m.actions.map((a) => a.value));

describe('予約確認 (my bookings)', () => {
  it('lists the ticket, the seminars and the consultations in one answer of at most five messages, with the owners\' buttons', () => {
    const step = send('予約確認', deps(everything));
    expect(step.state.active).toBeNull();
    expect(step.effects).toEqual([]);
    const [lead, ticketCard, seminars, first, second, ...rest] = step.messages;
    expect(rest).toEqual([]);
    expect(text(lead!)).toContain('いまのご予約です');
    expect(ticketCard).toMatchObject({ type: 'summary', image: { url: ticket.imageUrl } });
    expect(text(ticketCard!)).toContain('参加チケット');
    expect(buttons(ticketCard!)).toEqual(['event-cancel:r-1']);
    expect(text(seminars!)).toMatch(/創業資金の集め方.*（予約済み）/);
    expect(text(seminars!)).toContain('キャンセル待ち 2番目');
    expect(text(seminars!)).toContain('お席をご用意しています：2027年1月16日 22:00まで');
    expect(buttons(seminars!)).toEqual(['seminar-cancel:b-fund', 'seminar-cancel:b-mkt', 'seminar-accept:b-talk', 'seminar-cancel:b-talk']);
    expect(text(first!)).toContain('千葉県よろず支援拠点');
    expect(buttons(first!)).toEqual(['consult-move:c-1', 'consult-cancel:c-1']);
    expect(buttons(second!)).toEqual(['consult-move:c-2', 'consult-cancel:c-2']);
  });

  it.each([['my bookings', 'en'], ['予約の確認', 'ja'], ['bookings', 'en'], ['予約一覧', 'ja']] as Array<[string, Language]>)('is reached by 「%s」', (word, language) => {
    const step = send(word, deps(everything, language));
    expect(text(step.messages[0]!, language)).toMatch(language === 'ja' ? /いまのご予約です/ : /Here is what you have booked/);
  });

  it('leaves the modules\' own confirmation words to them', () => {
    expect(text(send('相談予約確認', deps(everything)).messages[0]!)).toContain('個別相談の予約は2件です');
    expect(text(send('参加登録確認', deps(everything)).messages[0]!)).toContain('参加チケット');
    expect(text(send('セミナー予約確認', deps(everything)).messages[0]!)).toContain('セミナーのご予約です');
  });

  it('hands each button to the module that owns it', () => {
    const d = deps(everything);
    expect(text(send({ type: 'choice', value: 'seminar-cancel:b-fund' }, d).messages[0]!)).toContain('予約をキャンセルしますか');
    expect(send({ type: 'choice', value: 'seminar-accept:b-talk' }, d).effects).toEqual([{ type: 'seminars.accept', bookingId: 'b-talk', seminarId: 'founder-talk' }]);
    expect(text(send({ type: 'choice', value: 'consult-cancel:c-1' }, d).messages[0]!)).toContain('「千葉県よろず支援拠点」の予約をキャンセルしますか');
    const move = send({ type: 'choice', value: 'consult-move:c-2' }, d);
    expect(move.state.active).toMatchObject({ flowId: 'consult-booking' });
    expect(text(send({ type: 'choice', value: 'event-cancel:r-1' }, d).messages[0]!)).toContain('参加登録をキャンセルしますか');
  });

  it('shows a waitlist place at the event with its position and the way to leave', () => {
    const waiting: MyBookingsFacts = { ...nothing, registration: { registrationId: 'r-2', status: 'waitlisted', position: 4, attendeeType: 'founder' } };
    const step = send('予約確認', deps(waiting));
    expect(step.messages).toHaveLength(2);
    expect(text(step.messages[1]!)).toContain('キャンセル待ち（4番目）');
    expect(buttons(step.messages[1]!)).toEqual(['event-cancel:r-2']);
  });

  it('offers the ways to book when nothing is booked, and the entries start the owners\' flows', () => {
    const step = send('予約確認', deps(nothing));
    expect(step.messages).toHaveLength(1);
    expect(text(step.messages[0]!)).toContain('いまのところ、ご予約はありません');
    expect(buttons(step.messages[0]!)).toEqual(['cmd:register', 'cmd:seminarBook', 'cmd:consult']);
    const seminars = send({ type: 'choice', value: 'cmd:seminarBook' }, deps(nothing));
    expect(seminars.state.active).toMatchObject({ flowId: 'seminar-booking' });
  });

  it('leaves out what is over, and names consultations beyond the five-message reply', () => {
    const many: MyBookingsFacts = { ...everything, consultations: [consultation('c-1', yorozu[2]!), consultation('c-2', funding[5]!), consultation('c-3', funding[8]!)] };
    const step = send('予約確認', deps(many));
    expect(step.messages).toHaveLength(5);
    expect(text(step.messages[0]!)).toContain('ほかに個別相談が1件あります');
    const after = send('予約確認', deps(everything, 'ja', new Date('2027-01-24T10:00:00+09:00')));
    expect(after.messages.map((m) => buttons(m)).flat()).toEqual(['event-cancel:r-1']);
  });

  it('is in the menu once the person holds something, not before', () => {
    const values = (m: FlowMessage) => buttons(m);
    expect(values(mainMenu(deps(everything)))).toContain('cmd:myBookings');
    expect(values(mainMenu(deps(nothing)))).not.toContain('cmd:myBookings');
  });
});
