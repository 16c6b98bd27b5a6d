/**
 * LINE's webhook signature: Base64 HMAC-SHA256 of the raw body under the channel secret,
 * compared in constant time. The SDK's `validateSignature` does the same; importing the
 * SDK would load all of its API clients into the web thread (about 19 MB) for these lines.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function isValidLineSignature(body: Buffer, channelSecret: string, signature: string): boolean {
  const expected = Buffer.from(createHmac('sha256', channelSecret).update(body).digest('base64'));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
