/**
 * The one retry policy of everything the worker sends (LINE pushes, Discord DMs, the
 * staff feed), by the platforms' own rules: 5xx and timeouts retry with backoff; 429
 * waits for Retry-After; LINE's 409 means the same retry key was accepted before, so the
 * work is done; any other 4xx fails for good (the caller marks it failed, where staff see
 * it). A job processor asks {@link classify} what an error means; a BullMQ worker uses
 * {@link retryBackoff} as its backoff strategy, and queues {@link retryJobOptions}.
 *
 * @example
 * new Worker(name, processor, { settings: { backoffStrategy: retryBackoff } });
 * queue.add(name, data, { ...retryJobOptions, jobId });
 */
import { DiscordAPIError, HTTPError, RateLimitError } from '@discordjs/rest';
import type { BackoffStrategy } from 'bullmq';
import { DiscordApiError } from '../channels/discord/dm-push.ts';
import { LineApiError } from '../channels/line/line-api.ts';

/** LINE or Discord asked us to slow down; {@link classify} reads `retryAfterMs`. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(readonly retryAfterMs: number) {
    super(`rate limited; retry after ${retryAfterMs} ms`);
  }
}

/** Try again after the backoff; try again after `waitMs`; already done; never again. */
export type RetryDecision = 'retry' | { waitMs: number } | 'done' | 'permanent';

/** A Retry-After of nothing (or of less) is still a pause: a second. */
const MIN_WAIT_MS = 1_000;
const FIRST_DELAY_MS = 1_000;
/** The backoff's ceiling: a platform that is down is asked twice an hour. */
const MAX_DELAY_MS = 30 * 60 * 1000;

/**
 * Tries of a job, the first included. With {@link retryDelayMs} they span more than a
 * day (1 s doubling to 30 min: about 34 min for the first 11 retries, then 48 × 30 min),
 * so a day-long outage of LINE or Discord loses nothing.
 */
export const RETRY_ATTEMPTS = 60;

/** The backoff type queues name ({@link retryJobOptions}); the worker maps it to {@link retryBackoff}. */
export const RETRY_BACKOFF = 'ouen-retry';

export const retryJobOptions = { attempts: RETRY_ATTEMPTS, backoff: { type: RETRY_BACKOFF } } as const;

/** What a failed call to LINE or Discord means for the work that made it. No status (a timeout, a refused connection): retry. */
export function classify(error: unknown): RetryDecision {
  if (error instanceof RateLimitedError) return { waitMs: Math.max(error.retryAfterMs, MIN_WAIT_MS) };
  // @discordjs/rest: a 429 it was told not to wait out itself, a 4xx refusal, a 5xx (HTTPError).
  if (error instanceof RateLimitError) return { waitMs: Math.max(error.retryAfter, MIN_WAIT_MS) };
  if (error instanceof DiscordAPIError || error instanceof HTTPError || error instanceof DiscordApiError) {
    const retryAfterSeconds = error instanceof DiscordApiError ? error.retryAfterSeconds : undefined;
    return byStatus(error.status, retryAfterSeconds, false);
  }
  if (error instanceof LineApiError && error.status !== undefined) return byStatus(error.status, error.retryAfterSeconds, true);
  return 'retry';
}

function byStatus(status: number, retryAfterSeconds: number | undefined, line: boolean): RetryDecision {
  if (status === 429) return { waitMs: Math.max((retryAfterSeconds ?? 1) * 1000, MIN_WAIT_MS) };
  // Only LINE's 409 means "accepted before" (X-Line-Retry-Key); Discord's is a refusal.
  if (status === 409 && line) return 'done';
  if (status >= 500) return 'retry';
  return 'permanent';
}

/** The wait before try `attemptsMade + 1` after a retryable failure: 1 s doubling, at most 30 min. */
export function retryDelayMs(attemptsMade: number): number {
  return Math.min(FIRST_DELAY_MS * 2 ** Math.max(attemptsMade - 1, 0), MAX_DELAY_MS);
}

/**
 * BullMQ's backoff strategy for {@link RETRY_BACKOFF}: the platform's Retry-After when it
 * gave one, else {@link retryDelayMs}; -1 (BullMQ: do not retry) for what is done or
 * refused for good, should a processor rethrow those.
 */
export const retryBackoff: BackoffStrategy = (attemptsMade, _type, error) => {
  const decision = classify(error);
  if (decision === 'done' || decision === 'permanent') return -1;
  if (typeof decision === 'object') return decision.waitMs;
  return retryDelayMs(attemptsMade);
};
