/**
 * LINE's per-endpoint rate limits (push 2,000 requests a second, multicast 200), shared by
 * every worker process: a token bucket per endpoint in Redis, taken from by a Lua script
 * (atomic, Redis's own clock), never an in-process counter. BullMQ's queue limiter counts
 * jobs, and a send job carries many requests, hence a bucket of our own.
 *
 * Within a process, callers waiting for the same endpoint are served together: one script
 * call takes as many tokens as there are waiters (or as many as the bucket holds), so a
 * burst of 2,000 pushes costs a handful of Redis round trips, not 2,000.
 *
 * @example
 * const limiter = new SharedRateLimiter(redis, 'ouen', { push: 2000, multicast: 200 });
 * await limiter.acquire('push'); // then make the call
 */
import type { Redis } from 'ioredis';

/** KEYS[1] bucket; ARGV rate per second, burst, wanted. Returns {granted, ms until the next token}. */
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local granted = math.min(want, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 60000)
local wait = 0
if granted < want then wait = math.ceil((1 - (tokens - math.floor(tokens))) * 1000 / rate) end
return {granted, wait}
`;

export interface RateLimits {
  [endpoint: string]: number;
}

/** Shortest pause between takes while waiting: a few ms lets tokens gather for several waiters. */
const MIN_WAIT_MS = 4;

export class SharedRateLimiter {
  readonly #waiters = new Map<string, Array<() => void>>();
  readonly #pumping = new Set<string>();

  /** `limits`: requests a second per endpoint; an endpoint not named is not limited. Burst: a tenth of a second's worth. */
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly limits: RateLimits) {
    redis.defineCommand('ouenTakeTokens', { numberOfKeys: 1, lua: TAKE });
  }

  acquire(endpoint: string): Promise<void> {
    const rate = this.limits[endpoint];
    if (!rate) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.#waiters.get(endpoint) ?? [];
      waiting.push(resolve);
      this.#waiters.set(endpoint, waiting);
      if (!this.#pumping.has(endpoint)) void this.#pump(endpoint, rate);
    });
  }

  async #pump(endpoint: string, rate: number): Promise<void> {
    this.#pumping.add(endpoint);
    const burst = Math.max(1, Math.ceil(rate / 10));
    try {
      for (let waiting = this.#waiters.get(endpoint)!; waiting.length > 0; waiting = this.#waiters.get(endpoint)!) {
        let granted = 0;
        let wait = MIN_WAIT_MS;
        try {
          const answer = await (this.redis as Redis & { ouenTakeTokens(key: string, ...args: number[]): Promise<[number, number]> })
            .ouenTakeTokens(`${this.prefix}:rate:${endpoint}`, rate, burst, waiting.length);
          [granted, wait] = [Number(answer[0]), Number(answer[1])];
        } catch {
          // Redis unreachable: wait and try again (BullMQ cannot run either).
          wait = 500;
        }
        for (const resolve of waiting.splice(0, granted)) resolve();
        if (waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(wait, MIN_WAIT_MS)));
      }
    } finally {
      this.#pumping.delete(endpoint);
    }
  }
}
