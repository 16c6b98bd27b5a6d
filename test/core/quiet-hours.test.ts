import { describe, expect, it } from 'vitest';
import { DEFAULT_QUIET_HOURS, localTimeToInstant, outsideQuietHours } from '../../core/outbox/quiet-hours.ts';

describe('outsideQuietHours', () => {
  it.each([
    ['daytime stays', '2026-12-10T13:00:00+09:00', '2026-12-10T13:00:00+09:00'],
    ['08:00 is already outside', '2026-12-10T08:00:00+09:00', '2026-12-10T08:00:00+09:00'],
    ['20:59 stays', '2026-12-10T20:59:00+09:00', '2026-12-10T20:59:00+09:00'],
    ['21:00 waits for the morning', '2026-12-10T21:00:00+09:00', '2026-12-11T08:00:00+09:00'],
    ['after midnight waits for 08:00 the same day', '2026-12-11T02:15:30+09:00', '2026-12-11T08:00:00+09:00'],
  ])('%s', (_name, at, expected) => {
    expect(outsideQuietHours(new Date(at), DEFAULT_QUIET_HOURS)).toEqual(new Date(expected));
  });

  it('takes quiet hours that do not cross midnight, in another zone', () => {
    const lunch = { start: '12:00', end: '13:00', timeZone: 'Europe/London' };
    expect(outsideQuietHours(new Date('2026-07-01T11:30:00Z'), lunch)).toEqual(new Date('2026-07-01T12:00:00Z'));
    expect(outsideQuietHours(new Date('2026-07-01T12:30:00Z'), lunch)).toEqual(new Date('2026-07-01T12:30:00Z'));
  });
});

describe('localTimeToInstant', () => {
  it('reads a wall-clock time in the zone, and nothing malformed', () => {
    expect(localTimeToInstant('2026-12-10 10:00', 'Asia/Tokyo')).toEqual(new Date('2026-12-10T01:00:00Z'));
    expect(localTimeToInstant('２０２６-12-10 10:00', 'Asia/Tokyo')).toEqual(new Date('2026-12-10T01:00:00Z'));
    expect(localTimeToInstant('2026-12-10', 'Asia/Tokyo')).toBeNull();
    expect(localTimeToInstant('2026-13-10 10:00', 'Asia/Tokyo')).toBeNull();
  });
});
