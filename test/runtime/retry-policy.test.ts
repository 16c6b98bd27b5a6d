/**
 * The one retry policy: what each platform failure means, the backoff BullMQ waits, and
 * that the tries of a job outlast a day-long outage.
 */
import { DiscordAPIError, HTTPError, RateLimitError } from '@discordjs/rest';
import { describe, expect, it } from 'vitest';
import { DiscordApiError } from '../../channels/discord/dm-push.ts';
import { LineApiError } from '../../channels/line/line-api.ts';
import { classify, RateLimitedError, RETRY_ATTEMPTS, RETRY_BACKOFF, retryBackoff, retryDelayMs } from '../../runtime/retry-policy.ts';

const discordRefusal = (status: number) => new DiscordAPIError({ message: 'refused', code: 50035 }, 50035, status, 'POST', '/channels/1/messages', {});
const discordDown = (status: number) => new HTTPError(status, 'Service Unavailable', 'POST', '/channels/1/messages', {});
const discordLimited = (retryAfter: number) => new RateLimitError({
  timeToReset: retryAfter, limit: 5, method: 'POST', hash: 'h', url: '/channels/1/messages', route: '/channels/:id/messages',
  majorParameter: '1', global: false, retryAfter, sublimitTimeout: 0, scope: 'user',
});

describe('classify', () => {
  it.each([
    ['LINE 500', new LineApiError('x', { status: 500 }), 'retry'],
    ['LINE timeout (no status)', new LineApiError('x'), 'retry'],
    ['LINE 409 (retry key accepted before)', new LineApiError('x', { status: 409 }), 'done'],
    ['LINE 400', new LineApiError('x', { status: 400 }), 'permanent'],
    ['LINE 429', new LineApiError('x', { status: 429, retryAfterSeconds: 7 }), { waitMs: 7_000 }],
    ['Discord DM 503', new DiscordApiError(503), 'retry'],
    ['Discord DM 409', new DiscordApiError(409), 'permanent'],
    ['Discord DM 429', new DiscordApiError(429, 2.5), { waitMs: 2_500 }],
    ['Discord REST 502', discordDown(502), 'retry'],
    ['Discord REST 400', discordRefusal(400), 'permanent'],
    ['Discord REST 403', discordRefusal(403), 'permanent'],
    ['Discord REST 429', discordLimited(4_200), { waitMs: 4_200 }],
    ['Discord REST 429 with a tiny Retry-After', discordLimited(50), { waitMs: 1_000 }],
    ['a rate limit already read', new RateLimitedError(3_000), { waitMs: 3_000 }],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'retry'],
  ])('%s → %j', (_name, error, decision) => {
    expect(classify(error)).toEqual(decision);
  });
});

describe('retryBackoff', () => {
  it('waits what a rate limit asked for, backs off exponentially otherwise, and never retries what is done or refused', () => {
    expect(retryBackoff(3, RETRY_BACKOFF, discordLimited(4_200))).toBe(4_200);
    expect(retryBackoff(1, RETRY_BACKOFF, discordDown(500))).toBe(1_000);
    expect(retryBackoff(4, RETRY_BACKOFF, discordDown(500))).toBe(8_000);
    expect(retryBackoff(40, RETRY_BACKOFF, discordDown(500))).toBe(30 * 60 * 1000);
    expect(retryBackoff(1, RETRY_BACKOFF, discordRefusal(400))).toBe(-1);
    expect(retryBackoff(1, RETRY_BACKOFF, new LineApiError('x', { status: 409 }))).toBe(-1);
  });

  it('keeps trying for more than a day before a job gives up', () => {
    const waited = Array.from({ length: RETRY_ATTEMPTS - 1 }, (_, i) => retryDelayMs(i + 1)).reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThan(24 * 60 * 60 * 1000);
  });
});
