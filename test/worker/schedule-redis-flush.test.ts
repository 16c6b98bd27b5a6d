/**
 * Fault test: Redis loses every schedule job (a wipe, a failover without persistence)
 * while 1,000 reminders are pending. `ouen schedule rebuild` and the worker's start-up
 * rebuild put them back from PostgreSQL; all 1,000 fire, each exactly once, and each
 * person's phone gets one push. Redis here is shared with other test files, so only this
 * test's queue prefix is flushed, never the whole server.
 */
import { rm } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScheduleRebuild } from '../../cli/schedule-rebuild.command.ts';
import { parseEnv } from '../../core/env.ts';
import { mergeChanges, scheduleReminder } from '../../core/schedules/schedule.service.ts';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { SCHEDULE_QUEUE, ScheduleQueue } from '../../runtime/schedule-queue.ts';
import { eventually } from '../support/ouen-harness.ts';
import { scratchDir } from '../support/scratch-dir.ts';
import { pingSchedule, startScheduleFixture, type ScheduleFixture } from '../support/schedule-fixture.ts';

const N = 1000;

let f: ScheduleFixture;
let redis: Redis;
let dataDir: string;

beforeAll(async () => {
  f = await startScheduleFixture();
  redis = new Redis('redis://127.0.0.1:6379');
  dataDir = await scratchDir('ouen-schedule-flush-');
});

afterAll(async () => {
  await f?.close();
  redis?.disconnect();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Deletes every key of this test's schedule queue, and nothing else in the shared Redis. */
async function flushScheduleKeys(prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:${SCHEDULE_QUEUE}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

describe('schedules after Redis lost their jobs', () => {
  it('are rebuilt from PostgreSQL: all 1,000 fire, none twice', async () => {
    const people: Array<{ participantId: string; lineUserId: string }> = [];
    for (let i = 0; i < N; i++) {
      const { userId } = f.line.createUser({ displayName: `p${i}`, language: 'ja' });
      people.push({ participantId: '', lineUserId: userId });
    }
    await f.db.prisma.participant.createMany({ data: people.map((p) => ({ lineUserId: p.lineUserId })) });
    const rows = await f.db.prisma.participant.findMany({ where: { lineUserId: { in: people.map((p) => p.lineUserId) } } });
    const byLine = new Map(rows.map((r) => [r.lineUserId!, r.id]));
    for (const p of people) p.participantId = byLine.get(p.lineUserId)!;

    // 1,000 reminders due within seconds, written in one transaction, their jobs added after commit.
    const queue = new ScheduleQueue(redisConnection('redis://127.0.0.1:6379'), f.prefix);
    const runAt = new Date(Date.now() + 3000);
    const changes = await f.transact(async (tx) => {
      const all = [];
      for (const p of people) all.push(await scheduleReminder(tx, pingSchedule(p.participantId, runAt), f.timing, new Date()));
      return mergeChanges(...all);
    });
    await queue.apply(changes, new Date());
    // No schedule worker runs yet: the jobs wait (delayed, or waiting once their time came).
    const queued = async () => Object.values(await queue.queue.getJobCounts('delayed', 'waiting', 'active', 'completed', 'failed')).reduce((a, b) => a + b, 0);
    expect(await queued()).toBe(N);

    // Redis loses them.
    expect(await flushScheduleKeys(f.prefix)).toBeGreaterThan(0);
    expect(await queued()).toBe(0);
    expect(await f.db.prisma.schedule.count({ where: { status: 'pending', reminder: 'test.ping' } })).toBe(N);

    // The operator's command puts them back; run twice, it adds nothing the second time.
    const env = parseEnv({ DATABASE_URL: f.db.connectionString, REDIS_URL: 'redis://127.0.0.1:6379', OUEN_QUEUE_PREFIX: f.prefix, OUEN_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    expect(await runScheduleRebuild(env)).toBe(0);
    expect(await queued()).toBe(N);
    expect(await runScheduleRebuild(env)).toBe(0);
    expect(await queued()).toBe(N);
    // The worker starts and rebuilds once more, while the jobs are on the queue already.
    await f.startSchedules();

    await eventually(async () => (await f.db.prisma.schedule.count({ where: { status: 'done', reminder: 'test.ping' } })) === N, 90_000);
    await eventually(async () => (await f.db.prisma.outboxMessage.count({ where: { kind: 'reminder:test.ping', status: 'sent' } })) === N, 90_000);

    // Once more, after they fired: a rebuild finds only the program's future reminders pending, and nothing more is written or sent.
    expect(await f.db.prisma.schedule.count({ where: { status: 'pending', reminder: 'test.ping' } })).toBe(0);
    expect(await f.schedules().rebuild()).toBe(await f.db.prisma.schedule.count({ where: { status: 'pending' } }));
    const outbox = await f.db.prisma.outboxMessage.findMany({ where: { kind: 'reminder:test.ping' }, select: { participantId: true, dedupeKey: true } });
    expect(outbox).toHaveLength(N);
    expect(new Set(outbox.map((o) => o.dedupeKey)).size).toBe(N);
    expect(new Set(outbox.map((o) => o.participantId))).toEqual(new Set(people.map((p) => p.participantId)));
    const delivered = new Map<string, number>();
    // Counted per person, whether their reminder went out in a push or in a multicast (same content, same moment).
    const recipients = [...f.pushes().filter((p) => p.status === 200).map((p) => p.to), ...f.multicasts().filter((m) => m.status === 200).flatMap((m) => m.to)];
    for (const to of recipients) delivered.set(to, (delivered.get(to) ?? 0) + 1);
    expect(delivered.size).toBe(N);
    expect([...delivered.values()].every((count) => count === 1)).toBe(true);
    await queue.close();
  }, 180_000);
});
