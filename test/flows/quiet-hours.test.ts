import { describe, expect, it } from 'vitest';
import { isQuietTime, localTimeToInstant, outsideQuietHours, zonedInstant, type QuietHours } from '../../flows/engine/quiet-hours.ts';

const night: QuietHours = { start: '21:00', end: '09:00' };
const jst = (local: string) => new Date(`${local}+09:00`);

describe('quiet hours', () => {
  it.each([
    ['evening, before midnight', '2026-12-01T22:30:00', '2026-12-02T09:00:00'],
    ['the first minute of quiet hours', '2026-12-01T21:00:00', '2026-12-02T09:00:00'],
    ['after midnight', '2026-12-02T03:15:00', '2026-12-02T09:00:00'],
    ['the last minute of quiet hours', '2026-12-02T08:59:00', '2026-12-02T09:00:00'],
    ['across the year end', '2026-12-31T23:30:00', '2027-01-01T09:00:00'],
    ['across the end of February', '2027-02-28T21:30:00', '2027-03-01T09:00:00'],
  ])('move a message due %s to their end, 09:00 Tokyo', (_, due, expected) => {
    expect(outsideQuietHours(jst(due), night, 'Asia/Tokyo')).toEqual(jst(expected));
  });

  it.each([
    ['at their end', '2026-12-02T09:00:00'],
    ['in the day', '2026-12-02T13:45:30'],
    ['a minute before they start', '2026-12-02T20:59:00'],
  ])('leave a message due %s where it is', (_, due) => {
    expect(outsideQuietHours(jst(due), night, 'Asia/Tokyo')).toEqual(jst(due));
  });

  it('are read in the program time zone, not the host\'s: 13:30 UTC is 22:30 in Tokyo', () => {
    expect(outsideQuietHours(new Date('2026-12-01T13:30:00Z'), night, 'Asia/Tokyo')).toEqual(new Date('2026-12-02T00:00:00Z'));
    // 22:30 UTC is 07:30 the next morning in Tokyo: still quiet, moved to 09:00 that day.
    expect(outsideQuietHours(new Date('2026-12-01T22:30:00Z'), night, 'Asia/Tokyo')).toEqual(new Date('2026-12-02T00:00:00Z'));
  });

  it('may lie within one day (a lunch break, 12:00–13:00)', () => {
    const lunch: QuietHours = { start: '12:00', end: '13:00' };
    expect(outsideQuietHours(jst('2026-12-02T12:10:00'), lunch, 'Asia/Tokyo')).toEqual(jst('2026-12-02T13:00:00'));
    expect(outsideQuietHours(jst('2026-12-02T22:00:00'), lunch, 'Asia/Tokyo')).toEqual(jst('2026-12-02T22:00:00'));
  });

  it.each([
    ['20:59', false], ['21:00', true], ['23:59', true], ['00:00', true], ['08:59', true], ['09:00', false],
  ])('count %s as quiet: %s', (time, quiet) => {
    expect(isQuietTime(time, night)).toBe(quiet);
  });

  it('name an instant from a Tokyo date and time, with no daylight saving in any month', () => {
    for (const month of ['01', '04', '07', '10']) {
      expect(zonedInstant(`2027-${month}-15`, '09:00', 'Asia/Tokyo')).toEqual(new Date(`2027-${month}-15T00:00:00Z`));
    }
    expect(zonedInstant('2027-01-01', '00:30', 'Asia/Tokyo')).toEqual(new Date('2026-12-31T15:30:00Z'));
  });
});

describe('localTimeToInstant', () => {
  it('reads a wall-clock time staff typed in the zone, and nothing malformed', () => {
    expect(localTimeToInstant('2026-12-10 10:00', 'Asia/Tokyo')).toEqual(new Date('2026-12-10T01:00:00Z'));
    expect(localTimeToInstant('２０２６-12-10 10:00', 'Asia/Tokyo')).toEqual(new Date('2026-12-10T01:00:00Z'));
    expect(localTimeToInstant('2026-12-10', 'Asia/Tokyo')).toBeNull();
    expect(localTimeToInstant('2026-13-10 10:00', 'Asia/Tokyo')).toBeNull();
    expect(localTimeToInstant('2026-02-30 10:00', 'Asia/Tokyo')).toBeNull();
  });
});
