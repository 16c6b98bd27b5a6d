/**
 * LINE's per-endpoint rate limits, as the fake LINE API can enforce them (off unless a
 * test or a benchmark asks): a token bucket per endpoint holding one second's worth of
 * requests, refilled continuously. A request over the limit is answered as LINE answers
 * it: 429 {"message":"The API rate limit has been exceeded. Try again later."}.
 *
 * @example
 * store.enforceRateLimits({ push: 2000, multicast: 200 });
 */
export type RateLimitedEndpoint = 'push' | 'multicast';

export class FakeRateLimits {
  readonly #buckets = new Map<RateLimitedEndpoint, { rate: number; tokens: number; at: number }>();
  /** Requests refused with 429, by endpoint. */
  readonly refused: Record<RateLimitedEndpoint, number> = { push: 0, multicast: 0 };

  constructor(private readonly now: () => number) {}

  set(limits: Partial<Record<RateLimitedEndpoint, number>>): void {
    this.#buckets.clear();
    for (const [endpoint, rate] of Object.entries(limits) as Array<[RateLimitedEndpoint, number]>) {
      if (rate > 0) this.#buckets.set(endpoint, { rate, tokens: rate, at: this.now() });
    }
  }

  /** Whether one more request to `endpoint` is within the limit now (and counts it). */
  allow(endpoint: RateLimitedEndpoint): boolean {
    const bucket = this.#buckets.get(endpoint);
    if (!bucket) return true;
    const now = this.now();
    bucket.tokens = Math.min(bucket.rate, bucket.tokens + ((now - bucket.at) * bucket.rate) / 1000);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.refused[endpoint] += 1;
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }
}
