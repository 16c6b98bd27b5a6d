/**
 * The `noeviction` check: the decision is pure (table below); the reading is done once
 * against the machine's real Redis, and with CONFIG refused as managed Redis refuses it.
 * Redis's policy is only read, never changed: other test files share this Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRedisEviction, evictionWarning, readEvictionPolicy } from '../../runtime/redis-eviction.ts';
import { captureLogs } from '../support/capture-logs.ts';

const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });

afterAll(async () => {
  await redis.quit();
});

/** The same Redis with some commands refused, as a managed Redis answers them. */
function refusing(commands: Array<'config' | 'info'>): Redis {
  const refused = () => Promise.reject(new Error("ERR unknown command 'CONFIG'"));
  return new Proxy(redis, {
    get: (target, name, receiver) => (commands.includes(name as 'config') ? refused : Reflect.get(target, name, receiver)),
  });
}

describe('evictionWarning', () => {
  it.each([
    ['noeviction', undefined],
    ['allkeys-lru', /maxmemory-policy is allkeys-lru, not noeviction.*BullMQ loses queued jobs/],
    ['volatile-ttl', /volatile-ttl.*set maxmemory-policy noeviction/],
    [undefined, /could not read Redis maxmemory-policy.*make sure it is noeviction/],
  ])('for %s says %s', (policy, expected) => {
    const warning = evictionWarning(policy);
    if (expected === undefined) expect(warning).toBeUndefined();
    else expect(warning).toMatch(expected);
  });
});

describe('readEvictionPolicy', () => {
  it('reads the policy Redis runs with', async () => {
    const [, actual] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    expect(await readEvictionPolicy(redis)).toBe(actual);
  });

  it('falls back to INFO memory when CONFIG is refused', async () => {
    const [, actual] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    expect(await readEvictionPolicy(refusing(['config']))).toBe(actual);
  });

  it('says it does not know when both are refused, and the check warns that it could not check', async () => {
    const client = refusing(['config', 'info']);
    expect(await readEvictionPolicy(client)).toBeUndefined();
    const logs = captureLogs();
    await checkRedisEviction(client, logs.logger('info'));
    expect(logs.entries()).toEqual([expect.objectContaining({ level: 40, setting: 'maxmemory-policy', policy: 'unknown', msg: expect.stringContaining('could not read') })]);
  });
});
