/**
 * Redis must never evict BullMQ's keys: a waiting or delayed job is data, not a cache,
 * and under any `maxmemory-policy` but `noeviction` a full Redis silently drops jobs
 * (BullMQ's "Going to production" guide). Checked at start by every process that uses the
 * queues, with a warning that names the setting and why.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.ts';

/** The policy Redis reports, `undefined` when neither CONFIG GET nor INFO would say (managed Redis often refuses CONFIG). */
export async function readEvictionPolicy(redis: Redis): Promise<string | undefined> {
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string | undefined];
    if (policy) return policy;
  } catch {
    // Refused (managed Redis renames or forbids CONFIG): INFO usually still answers.
  }
  try {
    return /^maxmemory_policy:(\S+)/m.exec(await redis.info('memory'))?.[1];
  } catch {
    return undefined;
  }
}

/** What to log for a policy: nothing for `noeviction`, a warning otherwise, or that it could not be checked. */
export function evictionWarning(policy: string | undefined): string | undefined {
  if (policy === 'noeviction') return undefined;
  if (policy === undefined) {
    return 'could not read Redis maxmemory-policy (CONFIG GET and INFO memory were refused): make sure it is noeviction, or queued jobs (deliveries, reminders) can be lost when Redis is full';
  }
  return `Redis maxmemory-policy is ${policy}, not noeviction: when Redis is full it evicts keys, and BullMQ loses queued jobs (deliveries, reminders) without a trace; set maxmemory-policy noeviction`;
}

/** Reads the policy and warns when it is not `noeviction`; never throws (Redis being down is the health check's to report). */
export async function checkRedisEviction(redis: Redis, logger: Logger): Promise<void> {
  const policy = await readEvictionPolicy(redis).catch(() => undefined);
  const warning = evictionWarning(policy);
  if (warning) logger.warn({ setting: 'maxmemory-policy', policy: policy ?? 'unknown' }, warning);
}
