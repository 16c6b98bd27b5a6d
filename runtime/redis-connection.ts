import type { ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.ts';

/** BullMQ connection options from a redis:// URL. BullMQ needs maxRetriesPerRequest null. */
export function redisConnection(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}

/** Delayed and waiting jobs must never be evicted: BullMQ's data is not a cache. */
export async function warnUnlessNoEviction(redis: Redis, logger: Logger): Promise<void> {
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== 'noeviction') logger.warn({ policy }, 'Redis maxmemory-policy should be noeviction for BullMQ');
  } catch {
    // Managed Redis often forbids CONFIG; nothing to check then.
  }
}
