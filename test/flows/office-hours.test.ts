import { describe, expect, it } from 'vitest';
import { officeStatus } from '../../flows/engine/office-hours.ts';

const hours = { weekdays: [1, 2, 3, 4, 5], opens: '09:00', closes: '17:00', closedDates: ['2026-12-02', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01'] };
const at = (iso: string) => officeStatus(new Date(iso), hours, 'Asia/Tokyo');

describe('officeStatus', () => {
  it.each([
    ['a weekday morning', '2026-12-01T10:00:00+09:00', true, '2026-12-03'],
    ['a weekday before opening', '2026-12-01T08:59:00+09:00', false, '2026-12-01'],
    ['closing time itself', '2026-12-01T17:00:00+09:00', false, '2026-12-03'],
    ['a closed date', '2026-12-02T10:00:00+09:00', false, '2026-12-03'],
    ['a Saturday', '2026-12-05T10:00:00+09:00', false, '2026-12-07'],
    ['the year-end closure', '2026-12-28T18:00:00+09:00', false, '2027-01-04'],
    ['late at night in UTC, already the next morning in Tokyo', '2026-12-03T00:30:00Z', true, '2026-12-04'],
  ])('on %s: open %s, next opening on %s', (_when, iso, open, next) => {
    expect(at(iso)).toEqual({ open, nextOpening: { date: next, time: '09:00' } });
  });

  it('opens only on the weekdays given (here Sundays)', () => {
    expect(officeStatus(new Date('2026-12-01T10:00:00+09:00'), { ...hours, weekdays: [0], closedDates: [] }, 'Asia/Tokyo').nextOpening)
      .toEqual({ date: '2026-12-06', time: '09:00' });
  });
});
