/**
 * How a failed call to LINE or Discord counts for an outbox row, by the platforms' own
 * rules: shared by the worker's delivery and the settling of answers by reply at start,
 * so both retry, give up and describe a failure the same way.
 */
import type { DiscordApiError } from '../channels/discord/dm-push.ts';
import type { LineApiError } from '../channels/line/line-api.ts';
import { errorFields } from '../core/error-fields.ts';
import { classify, RateLimitedError } from './retry-policy.ts';

export { RateLimitedError };

export type DeliveryFailure = 'accepted-before' | 'rate-limited' | 'transient' | 'permanent';

/**
 * The retry policy's decision (retry-policy.ts, the one place the platforms' rules are
 * written) in the outbox's words: LINE's 409 means the same retry key was accepted
 * before, so the message is out; 429 is a rate limit; 5xx and no status (a timeout, a
 * refused connection) are transient; other refusals permanent.
 */
export function classifyDeliveryFailure(error: unknown): DeliveryFailure {
  const decision = classify(error);
  if (decision === 'done') return 'accepted-before';
  if (decision === 'retry') return 'transient';
  if (decision === 'permanent') return 'permanent';
  return 'rate-limited';
}

/** The wait a rate-limited platform asked for, as the error the worker's backoff reads. */
export function rateLimited(error: unknown): RateLimitedError {
  // Already worded (a reply's 429, passed on by settle-by-reply.ts): keep LINE's wait.
  if (error instanceof RateLimitedError) return error;
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
