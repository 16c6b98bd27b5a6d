import { createHmac, randomBytes } from 'node:crypto';
import { validateSignature } from '@line/bot-sdk';
import { describe, expect, it } from 'vitest';
import { isValidLineSignature } from '../../bot/line/signature.ts';

const sign = (body: Buffer | string, secret: string) => createHmac('sha256', secret).update(body).digest('base64');

describe('isValidLineSignature', () => {
  it("accepts what LINE signs and refuses the rest, never more leniently than the SDK's validateSignature", () => {
    for (let i = 0; i < 200; i++) {
      const secret = randomBytes(16).toString('hex');
      const body = randomBytes(i * 7);
      const right = sign(body, secret);
      expect(isValidLineSignature(body, secret, right)).toBe(true);
      for (const wrong of [sign('other', secret), right.slice(0, -2), '', right.toLowerCase(), sign(body, `${secret}x`)]) {
        expect(isValidLineSignature(body, secret, wrong)).toBe(false);
      }
      // The SDK compares decoded bytes, so it also takes a padded or spaced variant; we take only the exact text.
      for (const variant of [`${right} `, ` ${right}`, right.replace(/=+$/, '')]) {
        if (isValidLineSignature(body, secret, variant)) expect(validateSignature(body, secret, variant)).toBe(true);
        expect(isValidLineSignature(body, secret, variant)).toBe(false);
      }
    }
  });

  it('refuses a signature made with another secret', () => {
    const body = Buffer.from('{"destination":"U0","events":[]}');
    expect(isValidLineSignature(body, 'secret-a', sign(body, 'secret-b'))).toBe(false);
  });
});
