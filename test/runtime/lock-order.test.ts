/**
 * The order late turns of a batch run in, which is the order they take their locks: a
 * batch holds its locks until commit, so every batch must take them in one global order
 * or two batches can wait for each other (bench:booking's rush deadlocked when seminar
 * turns took their seminars' rows in arrival order).
 */
import { describe, expect, it } from 'vitest';
import { serverModules } from '../../core/modules/server-modules.ts';

const key = (...effects: Array<{ type: string } & Record<string, unknown>>) => serverModules.lockKeyOf(effects);

describe('lock order of late turns', () => {
  it('orders seminar turns by seminar, whatever the effect, so batches lock seminars in ascending order', () => {
    const keys = [
      key({ type: 'seminars.cancel', bookingId: 'b1', seminarId: 'marketing' }),
      key({ type: 'seminars.book', seminarId: 'funding' }),
      key({ type: 'seminars.accept', bookingId: 'b2', seminarId: 'founder-talk' }),
      key({ type: 'seminars.book', seminarId: 'marketing' }),
    ];
    expect([...keys].sort()).toEqual(['seminars:founder-talk', 'seminars:funding', 'seminars:marketing', 'seminars:marketing']);
  });

  it('takes the booths\' lock, then the event\'s, then the seminars\', then the receipt counter', () => {
    const order = [
      key({ type: 'submitApplication' }),
      key({ type: 'seminars.book', seminarId: 'funding' }),
      key({ type: 'registerForEvent' }),
      key({ type: 'booths.book' }),
      key({ type: 'cancelEventRegistration' }),
    ].sort();
    expect(order).toEqual(['booths.book', 'cancelEventRegistration', 'registerForEvent', 'seminars:funding', 'submitApplication']);
  });

  it('keys a cancel of a booking that is not the person\'s (no seminar known) apart: core refuses it without a lock', () => {
    expect(key({ type: 'seminars.cancel', bookingId: 'guessed', seminarId: null })).toBe('seminars:');
  });
});
