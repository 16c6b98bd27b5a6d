/** Sealer.sign: a key of its own per purpose, derived from the master key apart from sealing and indexing. */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sealer } from '../../core/crypto/sealer.ts';

describe('Sealer.sign', () => {
  const master = randomBytes(32);
  const sealer = new Sealer(master);
  const data = Buffer.from('registration 1');

  it('signs the same data the same way under one key and purpose, 32 bytes', () => {
    expect(sealer.sign('event-ticket', data)).toEqual(new Sealer(master).sign('event-ticket', data));
    expect(sealer.sign('event-ticket', data)).toHaveLength(32);
  });

  it('differs by purpose, by key, and from a MAC under the master key itself', () => {
    const ticket = sealer.sign('event-ticket', data);
    expect(sealer.sign('other-purpose', data)).not.toEqual(ticket);
    expect(new Sealer(randomBytes(32)).sign('event-ticket', data)).not.toEqual(ticket);
    expect(createHmac('sha256', master).update(data).digest()).not.toEqual(ticket);
  });
});
