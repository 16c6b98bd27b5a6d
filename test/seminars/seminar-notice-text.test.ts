/** The time change's notice texts: both languages with the same keys, and the times as people read them. */
import { describe, expect, it } from 'vitest';
import { seminarNoticeCatalog, seminarNoticeText } from '../../core/seminars/seminar-notice-text.ts';

const facts = {
  title: { ja: '創業資金の集め方', en: 'Funding basics' },
  room: { ja: '会議室A', en: 'Room A' },
  before: { startsAt: new Date('2027-01-23T13:30:00+09:00'), endsAt: new Date('2027-01-23T14:20:00+09:00') },
  after: { startsAt: new Date('2027-01-23T15:00:00+09:00'), endsAt: new Date('2027-01-23T15:50:00+09:00') },
  timeZone: 'Asia/Tokyo',
};

describe('seminarNoticeText', () => {
  it('has the same audiences in Japanese and English', () => {
    expect(Object.keys(seminarNoticeCatalog.en)).toEqual(Object.keys(seminarNoticeCatalog.ja));
  });

  it.each(['booked', 'offered', 'waitlisted'] as const)('tells %s people the new and the old time, with no placeholder left', (audience) => {
    const text = seminarNoticeText(audience, facts);
    expect(text.ja).toContain('新しい時間: 2027年1月23日 15:00–15:50（会場: 会議室A）\n変更前: 2027年1月23日 13:30–14:20');
    expect(text.en).toContain('Funding basics');
    expect(text.en).toContain('15:00–15:50 (room: Room A)');
    expect(`${text.ja}${text.en}`).not.toMatch(/[{}]/);
  });
});
