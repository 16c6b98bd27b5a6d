/**
 * The staff feed as the worker posts it: BullMQ on real Redis, real PostgreSQL, the fake
 * Discord through REST. Notices of one application go out in order; a 5xx is retried, a
 * 429 waited out, a 400 fails the notice for good; a job run again, or a try that failed
 * half-way, posts nothing twice.
 */
import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedRest } from '../../channels/discord/staff/feed-rest.ts';
import { postNotice } from '../../channels/discord/staff/post-notice.ts';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { createLogger } from '../../core/logger.ts';
import { findPendingNotice, recordNotices, type NewNotice } from '../../core/staff-feed/staff-notice.repository.ts';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { RETRY_ATTEMPTS } from '../../runtime/retry-policy.ts';
import { createStaffFeedProcessor, type StaffFeedJob } from '../../worker/staff-feed.processor.ts';
import { startStaffFeedWorker, type RunningStaffFeed } from '../../worker/staff-feed-worker.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventually, obliterateQueue } from '../support/ouen-harness.ts';
import { snowflake, startFakeDiscord, type FakeDiscord, type RecordedDiscordRequest } from '../support/fake-discord.ts';
import { DURING, program } from '../support/flow-harness.ts';
import { sampleAnswers, seedApplication } from '../support/seed-applications.ts';

const CHANNEL = snowflake();
const REDIS_URL = 'redis://127.0.0.1:6379';
const PREFIX = `ouen-test-feed-${randomBytes(4).toString('hex')}`;
const sealer = new Sealer(randomBytes(32));
const logger = createLogger('silent');
let db: TestDatabase;
let discord: FakeDiscord;
let feed: RunningStaffFeed;

const postDeps = () => ({
  rest: feedRest(discord.token, discord.apiBase), db: sqlClient(db.sql), sealer, program, clock: () => DURING, language: 'ja' as const,
  channels: { applications: CHANNEL },
});

beforeAll(async () => {
  db = await createTestDatabase();
  await syncContest(transactOn(db.sql), program, DURING);
  discord = await startFakeDiscord();
  feed = await startStaffFeedWorker({
    ...postDeps(), logger, connection: redisConnection(REDIS_URL), prefix: PREFIX, databaseUrl: db.connectionString,
    sweepEveryMs: 3_600_000,
  });
});

afterAll(async () => {
  await feed?.close();
  await obliterateQueue(REDIS_URL, PREFIX);
  await discord?.close();
  await db?.drop();
});

async function application(receipt: string): Promise<string> {
  return seedApplication(db.prisma, sealer, { receipt, status: 'submitted', answers: sampleAnswers('千葉 次郎', '柏市', 'no') });
}

/** Notices recorded in one committed transaction: its NOTIFY wakes the worker. */
async function record(notices: NewNotice[]): Promise<void> {
  await transactOn(db.sql)((tx) => recordNotices(tx, sealer, notices, DURING));
}

const noticeOf = (entityId: string, kind = 'application.submitted') => db.prisma.staffNotice.findFirstOrThrow({ where: { entityId, kind } });
const settled = (entityId: string, kind?: string) => eventually(async () => {
  const row = await noticeOf(entityId, kind);
  return row.status === 'pending' ? undefined : row;
});
const cardPosts = (receipt: string) => discord.requests.filter((r: RecordedDiscordRequest) => r.method === 'POST' && r.path === `/channels/${CHANNEL}/messages`
  && JSON.stringify(r.body).includes(receipt));
const threadOf = async (entityId: string) => (await db.prisma.discordThread.findFirstOrThrow({ where: { entityId } })).threadId!;

describe('the staff feed on the worker', () => {
  it('posts an application\'s notices in order: the card and its thread, then each change in the thread', async () => {
    const id = await application('BC2026-0201');
    await record([
      { kind: 'application.submitted', entityId: id },
      { kind: 'application.updated', entityId: id, detail: { fields: ['planTitle'] } },
      { kind: 'application.document', entityId: id },
      { kind: 'application.withdrawn', entityId: id },
    ]);
    expect(await settled(id, 'application.withdrawn')).toMatchObject({ status: 'sent', attempts: 0 });
    const threadId = await threadOf(id);
    // The thread was started from the card (Discord gives it the card's id).
    expect(discord.messagesIn(CHANNEL).map((m) => m.id)).toContain(threadId);
    expect(discord.messagesIn(threadId).map((m) => m.content)).toEqual([
      '提出後に回答が変更されました: プラン名', '事業計画書が届きました。', '応募が取り下げられました。',
    ]);
    expect(cardPosts('BC2026-0201')).toHaveLength(1);
  }, 30_000);

  it('retries a server error (5xx) and posts', async () => {
    discord.failNext((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL}/messages`, 500, 1);
    const id = await application('BC2026-0202');
    await record([{ kind: 'application.submitted', entityId: id }]);
    expect(await settled(id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await db.prisma.discordThread.count({ where: { entityId: id } })).toBe(1);
    expect(cardPosts('BC2026-0202')).toHaveLength(2);
  }, 30_000);

  it('waits out a rate limit (429) and posts', async () => {
    discord.failNext((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL}/messages`, 429, 1);
    const id = await application('BC2026-0203');
    await record([{ kind: 'application.submitted', entityId: id }]);
    // The queue waited: the try that met the limit is not counted.
    expect(await settled(id)).toMatchObject({ status: 'sent', attempts: 0 });
    expect(cardPosts('BC2026-0203')).toHaveLength(2);
  }, 30_000);

  it('fails a notice Discord refuses (400) for good, visibly, and posts the others', async () => {
    discord.failNext((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL}/messages` && JSON.stringify(r.body).includes('BC2026-0204'), 400, 5);
    const refused = await application('BC2026-0204');
    const fine = await application('BC2026-0205');
    await record([{ kind: 'application.submitted', entityId: refused }, { kind: 'application.submitted', entityId: fine }]);
    expect(await settled(fine)).toMatchObject({ status: 'sent' });
    expect(await settled(refused)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(cardPosts('BC2026-0204')).toHaveLength(1);
  }, 30_000);

  it('goes on where a try stopped half-way: the card is not posted again when its thread could not be started', async () => {
    discord.failNext((r) => r.method === 'POST' && r.path.startsWith(`/channels/${CHANNEL}/messages/`) && r.path.endsWith('/threads'), 503, 1);
    const id = await application('BC2026-0206');
    await record([{ kind: 'application.submitted', entityId: id }]);
    expect(await settled(id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(cardPosts('BC2026-0206')).toHaveLength(1);
    expect(await threadOf(id)).not.toBeNull();
  }, 30_000);

  it('posts nothing twice when a job runs again, settled or not', async () => {
    const id = await application('BC2026-0207');
    await record([{ kind: 'application.submitted', entityId: id }]);
    await settled(id);
    await record([{ kind: 'application.updated', entityId: id, detail: { fields: ['planTitle'] } }]);
    const updated = await settled(id, 'application.updated');
    const threadId = await threadOf(id);
    const before = discord.requests.length;
    // A stalled job run again after it settled: nothing to do.
    const process = createStaffFeedProcessor({ ...postDeps(), logger, sweep: async () => 0, enqueueNext: async () => undefined, rateLimited: async () => new Error('rate limited') });
    const job = { data: { noticeId: updated.id.toString() }, attemptsMade: 0, opts: { attempts: RETRY_ATTEMPTS } } as Job<StaffFeedJob>;
    expect(await process(job)).toBe('not-pending');
    expect(discord.requests.length).toBe(before);
    // A run that posted but died before settling, run again: the same nonce, no second message.
    await db.prisma.staffNotice.update({ where: { id: updated.id }, data: { status: 'pending' } });
    const notice = (await findPendingNotice(sqlClient(db.sql), updated.id.toString()))!;
    expect(await postNotice(postDeps(), notice)).toBe('sent');
    expect(discord.messagesIn(threadId)).toHaveLength(1);
    expect(await process(job)).toBe('sent');
    expect(discord.messagesIn(threadId)).toHaveLength(1);
  }, 30_000);

  it('marks a notice failed when its last try fails too', async () => {
    const id = await application('BC2026-0208');
    // Written without a NOTIFY, so only this test's run takes it.
    const notice = await db.prisma.staffNotice.create({ data: { kind: 'application.submitted', entityId: id, createdAt: DURING } });
    discord.failNext((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL}/messages`, 503, 1);
    const process = createStaffFeedProcessor({ ...postDeps(), logger, sweep: async () => 0, enqueueNext: async () => undefined, rateLimited: async () => new Error('rate limited') });
    const job = { data: { noticeId: notice.id.toString() }, attemptsMade: RETRY_ATTEMPTS - 1, opts: { attempts: RETRY_ATTEMPTS } } as Job<StaffFeedJob>;
    expect(await process(job)).toBe('failed');
    expect(await noticeOf(id)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('sends only valid requests', () => {
    expect(discord.invalidRequests()).toEqual([]);
  });
});
