/**
 * How a failed call to LINE or Discord counts for an outbox row, by the platforms' own
 * rules: shared by the worker's delivery and the settling of answers by reply at start,
 * so both retry, give up and describe a failure the same way.
 */
import { DiscordApiError } from '../channels/discord/dm-push.ts';
import { LineApiError } from '../channels/line/line-api.ts';
import { errorFields } from '../core/error-fields.ts';

/** LINE or Discord asked us to slow down; the worker's backoff strategy reads `retryAfterMs`. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(readonly retryAfterMs: number) {
    super(`rate limited; retry after ${retryAfterMs} ms`);
  }
}

export type DeliveryFailure = 'accepted-before' | 'rate-limited' | 'transient' | 'permanent';

/**
 * LINE's rules: retry on 5xx and timeouts only, never on other 4xx; 409 means the same
 * retry key was accepted before, so the message is out; 429 is a rate limit. Discord's:
 * 429 a rate limit, 5xx transient, other refusals permanent. Anything else (no status:
 * a timeout, a refused connection) is transient.
 */
export function classifyDeliveryFailure(error: unknown): DeliveryFailure {
  if (error instanceof DiscordApiError) return error.status === 429 ? 'rate-limited' : error.status >= 500 ? 'transient' : 'permanent';
  if (!(error instanceof LineApiError) || error.status === undefined) return 'transient';
  if (error.status === 409) return 'accepted-before';
  if (error.status === 429) return 'rate-limited';
  if (error.status >= 500) return 'transient';
  return 'permanent';
}

/** The wait a rate-limited platform asked for, as the error the worker's backoff reads. */
export function rateLimited(error: unknown): RateLimitedError {
  return new RateLimitedError(((error as LineApiError | DiscordApiError).retryAfterSeconds ?? 1) * 1000);
}

/**
 * How an attempt ended, for the row's `lastError`: what was tried and the error's status,
 * code or class (errorFields), e.g. `LINE push failed with 400`, `LINE push failed: timeout`.
 * Every staff role reads it in the list of failed deliveries, so it never quotes a
 * message body or the platform's error text.
 */
export function failureStatusLine(error: unknown, what: 'LINE push' | 'LINE multicast' | 'LINE reply' | 'Discord DM'): string {
  const { class: kind, code, status } = errorFields(error);
  if (status !== undefined) return `${what} failed with ${status}`;
  return `${what} failed: ${code ?? kind}`;
}
