/**
 * `ouen schedule rebuild`: puts every pending schedule's job back on the queue from
 * PostgreSQL, e.g. after Redis was wiped or restored from an old snapshot while the worker
 * kept running (a starting worker does this by itself). Safe to run at any time: a job
 * that exists is not added twice, and a schedule fires at most once.
 */
import { sqlClient } from '../core/db/pg-transaction.ts';
import type { Env } from '../core/env.ts';
import { redisConnection } from '../runtime/redis-connection.ts';
import { ScheduleQueue } from '../runtime/schedule-queue.ts';
import { withStore } from './open-store.ts';

export async function runScheduleRebuild(env: Env): Promise<number> {
  const queue = new ScheduleQueue(redisConnection(env.REDIS_URL), env.OUEN_QUEUE_PREFIX);
  try {
    const pending = await withStore(env, ({ db }) => queue.rebuild(sqlClient(db.sql), new Date()));
    console.log(`schedule queue rebuilt: ${pending} pending schedule${pending === 1 ? '' : 's'} on the queue`);
    return 0;
  } finally {
    await queue.close();
  }
}
