/**
 * The staff feed when Discord fails: a 5xx leaves the notice pending (attempt counted,
 * logged) and the next drain posts it; a 429 is waited out by discord.js and the post
 * goes through. Real discord.js against the fake Discord, on real PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaffFeed, type RunningStaffFeed } from '../../bot/discord/staff-feed.ts';
import { staffDepsOn } from '../../bot/staff/staff-commands.ts';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import { createLogger } from '../../core/logger.ts';
import { recordNotices } from '../../core/staff-feed/staff-notice.repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventually } from '../support/ouen-harness.ts';
import { connectClient, snowflake, startFakeDiscord, type FakeDiscord } from '../support/fake-discord.ts';
import { DURING, program } from '../support/flow-harness.ts';
import { sampleAnswers, seedApplication } from '../support/seed-applications.ts';

const CHANNEL = snowflake();
const sealer = new Sealer(randomBytes(32));
let db: TestDatabase;
let discord: FakeDiscord;
let client: Client;
let feed: RunningStaffFeed;

beforeAll(async () => {
  db = await createTestDatabase();
  await syncContest(transactOn(db.sql), program, DURING);
  discord = await startFakeDiscord();
  client = await connectClient(discord);
  feed = startStaffFeed({
    client, deps: staffDepsOn(db.sql, { sealer, program, clock: () => DURING }), databaseUrl: db.connectionString,
    channels: { applications: CHANNEL }, logger: createLogger('silent'), sweepEveryMs: 3_600_000,
  });
});

afterAll(async () => {
  await feed?.close();
  await client?.destroy();
  await discord?.close();
  await db?.drop();
});

async function submitted(receipt: string): Promise<string> {
  const id = await seedApplication(db.prisma, sealer, { receipt, status: 'submitted', answers: sampleAnswers('千葉 次郎', '柏市', 'no') });
  await transactOn(db.sql)((tx) => recordNotices(tx, sealer, [{ kind: 'application.submitted', entityId: id }], DURING));
  return id;
}

const cardPosts = (receipt: string) => discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL}/messages`
  && JSON.stringify(r.body).includes(receipt));

describe('the staff feed when Discord fails', () => {
  it('keeps a notice pending after a server error and posts it on the next try', async () => {
    await feed.drain();
    discord.failNext((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL}/messages`, 500, 4);
    // discord.js retries a 5xx three times itself; all four fail, so this try fails (woken by the commit's NOTIFY).
    const id = await submitted('BC2026-0101');
    const notice = await eventually(async () => {
      const row = await db.prisma.staffNotice.findFirstOrThrow({ where: { entityId: id } });
      return row.attempts > 0 ? row : undefined;
    });
    expect(notice).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await db.prisma.discordThread.count({ where: { entityId: id } })).toBe(0);

    expect(await feed.drain()).toBe(1);
    expect(await db.prisma.staffNotice.findFirstOrThrow({ where: { entityId: id } })).toMatchObject({ status: 'sent' });
    expect(await db.prisma.discordThread.count({ where: { entityId: id } })).toBe(1);
    expect(cardPosts('BC2026-0101')).toHaveLength(5);
  }, 30_000);

  it('stops a pass while Discord is down, so an outage does not use up the other notices\' tries', async () => {
    discord.failNext((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL}/messages`, 503, Number.POSITIVE_INFINITY);
    const first = await submitted('BC2026-0111');
    const second = await submitted('BC2026-0112');
    await feed.drain();
    await eventually(async () => (await db.prisma.staffNotice.findFirstOrThrow({ where: { entityId: first } })).attempts >= 2);
    // Only the oldest is tried while Discord is down; it stays pending (a day before giving up).
    expect(await db.prisma.staffNotice.findFirstOrThrow({ where: { entityId: first } })).toMatchObject({ status: 'pending' });
    expect(await db.prisma.staffNotice.findFirstOrThrow({ where: { entityId: second } })).toMatchObject({ status: 'pending', attempts: 0 });
    discord.recover();
    await feed.drain();
    await eventually(async () => (await db.prisma.staffNotice.findFirstOrThrow({ where: { entityId: second } })).status === 'sent');
  }, 30_000);

  it('waits out a rate limit (429) and posts', async () => {
    discord.failNext((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL}/messages`, 429, 1);
    const id = await submitted('BC2026-0102');
    await feed.drain();
    await eventually(async () => (await db.prisma.staffNotice.findFirstOrThrow({ where: { entityId: id } })).status === 'sent');
    expect(await db.prisma.staffNotice.findFirstOrThrow({ where: { entityId: id } })).toMatchObject({ attempts: 0 });
    expect(cardPosts('BC2026-0102')).toHaveLength(2);
  }, 30_000);

  it('fails a notice Discord refuses (4xx) at once, and posts the others', async () => {
    discord.failNext((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL}/messages` && JSON.stringify(r.body).includes('BC2026-0103'), 400, 5);
    const refused = await submitted('BC2026-0103');
    const fine = await submitted('BC2026-0104');
    await feed.drain();
    await eventually(async () => (await db.prisma.staffNotice.findFirstOrThrow({ where: { entityId: fine } })).status === 'sent');
    expect(await db.prisma.staffNotice.findFirstOrThrow({ where: { entityId: refused } })).toMatchObject({ status: 'failed', attempts: 1 });
    expect(cardPosts('BC2026-0103')).toHaveLength(1);
  }, 30_000);

  it('posts nothing twice, and only valid requests', async () => {
    expect(await feed.drain()).toBe(0);
    expect(discord.invalidRequests()).toEqual([]);
  });
});
