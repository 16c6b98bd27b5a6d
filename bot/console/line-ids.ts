/**
 * Identifiers shaped like the ones LINE issues, so code that checks their form
 * (`U[0-9a-f]{32}`, ULID event ids) sees nothing unusual in local mode.
 */
import { randomBytes, randomInt } from 'node:crypto';

/** `U` + 32 lowercase hex digits: a user id (and the bot's own id, `destination`). */
export const lineUserId = (): string => `U${randomBytes(16).toString('hex')}`;

/** Reply tokens are 32 hex digits on the real platform. */
export const replyToken = (): string => randomBytes(16).toString('hex');

/** Quote tokens are opaque base64url strings of about a hundred characters. */
export const quoteToken = (): string => `q${randomBytes(64).toString('base64url')}`;

/** Message ids are decimal strings of 18 digits. */
export function messageId(): string {
  return `${randomInt(100_000_000, 1_000_000_000)}${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (26 Crockford base32 characters: 48-bit time, 80 random bits), as `webhookEventId` is. */
export function ulid(now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = randomBytes(16);
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[random[i]! % 32];
  return time + tail;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `X-Line-Retry-Key` must be a UUID in hexadecimal form. */
export const isUuid = (value: string): boolean => UUID.test(value);
