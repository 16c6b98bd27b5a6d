/**
 * Delivery at LINE's lowest cost, on real PostgreSQL and Redis against the fake LINE API:
 * identical content to many → multicasts of ≤ 500 per language; one person's rows due
 * together → pushes of ≤ 5 messages; blocked people skipped; Discord DM participants
 * still reached; every request within the spec and under a retry key fixed beforehand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordDmSender } from '../../channels/discord/dm-push.ts';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { literalText, type OutboxContent } from '../../core/outbox/outbox-content.ts';
import { eventually } from '../support/ouen-harness.ts';
import { startFakeDiscord, snowflake, type FakeDiscord } from '../support/fake-discord.ts';
import { validateLineRequest } from '../support/line-spec.ts';
import { startWorkerFixture, type WorkerFixture } from '../support/worker-fixture.ts';

let f: WorkerFixture;
let discord: FakeDiscord;

beforeAll(async () => {
  discord = await startFakeDiscord();
  f = await startWorkerFixture({ discord: new DiscordDmSender(discord.token, discord.apiBase) });
});

afterAll(async () => {
  await f?.close();
  await discord?.close();
});

/** `count` LINE people (on the fake platform and as participants), in bulk. */
async function people(count: number, options: { language?: 'ja' | 'en'; unreachable?: boolean } = {}) {
  const users = Array.from({ length: count }, () => f.line.createUser({ displayName: 'テスト', language: options.language ?? 'ja' }).userId);
  await f.db.prisma.participant.createMany({
    data: users.map((lineUserId) => ({ lineUserId, language: options.language ?? 'ja', unreachableAt: options.unreachable ? new Date() : null })),
  });
  const rows = await f.db.prisma.participant.findMany({ where: { lineUserId: { in: users } }, select: { id: true, lineUserId: true } });
  const byUser = new Map(rows.map((r) => [r.lineUserId!, r.id]));
  return users.map((lineUserId) => ({ lineUserId, participantId: byUser.get(lineUserId)! }));
}

async function write(recipients: Array<{ participantId: string }>, content: OutboxContent) {
  const now = new Date();
  return await createOutboxRows(f.sql, f.sealer, recipients.map((r) => ({ participantId: r.participantId, content, kind: 'broadcast', notBefore: now })), now);
}

async function settled(ids: string[], timeoutMs = 30_000) {
  await eventually(async () => (await f.db.prisma.outboxMessage.count({ where: { id: { in: ids }, status: 'pending' } })) === 0, timeoutMs);
}

const multicastsTo = (userIds: string[]) => {
  const wanted = new Set(userIds);
  return f.multicasts().filter((m) => m.to.some((to) => wanted.has(to)));
};
const texts = (lineUserId: string) => f.line.botMessages(lineUserId).map((m) => (m as { text: string }).text);

describe('identical content to many people', () => {
  it('goes out as multicasts of at most 500 (1,201 people: 500, 500, 201), each within the spec, each person once', async () => {
    const recipients = await people(1201);
    const ids = await write(recipients, literalText({ ja: '説明会のお知らせ', en: 'About the briefing' }));
    await f.queue.kick();
    await settled(ids);
    const calls = multicastsTo(recipients.map((r) => r.lineUserId));
    expect(calls.map((m) => m.to.length).sort((a, b) => b - a)).toEqual([500, 500, 201]);
    expect(calls.map((m) => m.status)).toEqual([200, 200, 200]);
    for (const call of calls) expect(validateLineRequest('POST', '/v2/bot/message/multicast', call.request.body)).toEqual({ ok: true });
    // Each call under its own retry key: the id of the request written before it.
    const requestIds = (await f.db.prisma.outboxMessage.findMany({ where: { id: { in: ids } }, select: { requestId: true } })).map((r) => r.requestId);
    expect(new Set(calls.map((m) => m.retryKey))).toEqual(new Set(requestIds));
    expect(recipients.every((r) => f.line.botMessages(r.lineUserId).length === 1)).toBe(true);
    expect(await f.db.prisma.outboxMessage.count({ where: { id: { in: ids }, status: 'sent' } })).toBe(1201);
    expect(f.pushes().filter((p) => recipients.some((r) => r.lineUserId === p.to))).toHaveLength(0);
  });

  it('goes out in one multicast per language, rendered in each', async () => {
    const [ja, en] = [await people(3, { language: 'ja' }), await people(2, { language: 'en' })];
    const ids = await write([...ja, ...en], literalText({ ja: '締め切りは明日です', en: 'The deadline is tomorrow' }));
    await f.queue.kick();
    await settled(ids);
    const calls = multicastsTo([...ja, ...en].map((r) => r.lineUserId));
    expect(calls.map((m) => m.to.length).sort()).toEqual([2, 3]);
    for (const person of ja) expect(texts(person.lineUserId)).toEqual(['締め切りは明日です']);
    for (const person of en) expect(texts(person.lineUserId)).toEqual(['The deadline is tomorrow']);
  });

  it('retries a multicast that met a 5xx under the same retry key, and LINE delivers it once', async () => {
    const recipients = await people(3);
    f.line.failNextMulticasts({ status: 500, delivered: true });
    const ids = await write(recipients, literalText({ ja: '結果のお知らせ', en: 'Results' }));
    await f.queue.kick();
    await settled(ids, 15_000);
    const calls = multicastsTo(recipients.map((r) => r.lineUserId));
    expect(calls.map((m) => m.status)).toEqual([500, 409]);
    expect(new Set(calls.map((m) => m.retryKey)).size).toBe(1);
    expect(recipients.every((r) => f.line.botMessages(r.lineUserId).length === 1)).toBe(true);
  });

  it('skips people who blocked the account, without a request', async () => {
    const [reachable, blocked] = [await people(2), await people(2, { unreachable: true })];
    const ids = await write([...reachable, ...blocked], literalText({ ja: '再開のお知らせ', en: 'We are back' }));
    await f.queue.kick();
    await settled(ids);
    expect(multicastsTo(blocked.map((r) => r.lineUserId))).toHaveLength(0);
    expect(multicastsTo(reachable.map((r) => r.lineUserId)).map((m) => m.to.length)).toEqual([2]);
    const rows = await f.db.prisma.outboxMessage.findMany({ where: { id: { in: ids } }, select: { participantId: true, status: true, requestId: true } });
    for (const person of blocked) expect(rows.find((r) => r.participantId === person.participantId)).toMatchObject({ status: 'skipped', requestId: null });
  });
});

describe('several messages for one person at the same moment', () => {
  const numbered = (n: number) => literalText({ ja: `お知らせ ${n}`, en: `Notice ${n}` });

  it('go out as one push with up to 5 messages, in order (3 → one push of 3; 7 → 5 + 2)', async () => {
    const [three, seven] = await people(2);
    const threeIds = await createOutboxRows(f.sql, f.sealer, [1, 2, 3].map((n) => ({ participantId: three!.participantId, content: numbered(n), kind: 'notice', notBefore: new Date() })), new Date());
    const sevenIds = await createOutboxRows(f.sql, f.sealer, [1, 2, 3, 4, 5, 6, 7].map((n) => ({ participantId: seven!.participantId, content: numbered(n), kind: 'notice', notBefore: new Date() })), new Date());
    await f.queue.kick();
    await settled([...threeIds, ...sevenIds]);
    const pushesOf = (userId: string) => f.pushes().filter((p) => p.to === userId);
    expect(pushesOf(three!.lineUserId).map((p) => (p.request.body as { messages: unknown[] }).messages.length)).toEqual([3]);
    expect(pushesOf(seven!.lineUserId).map((p) => (p.request.body as { messages: unknown[] }).messages.length)).toEqual([5, 2]);
    for (const push of [...pushesOf(three!.lineUserId), ...pushesOf(seven!.lineUserId)]) {
      expect(validateLineRequest('POST', '/v2/bot/message/push', push.request.body)).toEqual({ ok: true });
    }
    expect(texts(seven!.lineUserId)).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `お知らせ ${n}`));
  });
  it('keep their order when a later one becomes due while an earlier one waits for its retry', async () => {
    const [person] = await people(1);
    f.line.failNextPushes({ status: 500 });
    const [first] = await createOutboxRows(f.sql, f.sealer, [{ participantId: person!.participantId, content: numbered(1), kind: 'notice', notBefore: new Date() }], new Date());
    await f.queue.kick();
    // The first push met a 5xx; its retry waits out the backoff while the second becomes due.
    await eventually(async () => f.pushes().some((p) => p.to === person!.lineUserId && p.status === 500));
    const [second] = await createOutboxRows(f.sql, f.sealer, [{ participantId: person!.participantId, content: numbered(2), kind: 'notice', notBefore: new Date() }], new Date());
    await f.queue.kick();
    await settled([first!], 20_000);
    // The dispatcher's next scheduled run (every 2 s in production; a minute here) takes the second.
    await f.queue.kick();
    await settled([second!]);
    expect(texts(person!.lineUserId)).toEqual(['お知らせ 1', 'お知らせ 2']);
    expect(f.pushes().filter((p) => p.to === person!.lineUserId).map((p) => p.status)).toEqual([500, 200, 200]);
  });
});

describe('participants in Discord DMs', () => {
  it('are still reached, with a DM, beside a LINE multicast of the same content', async () => {
    const line = await people(2);
    const discordUserId = snowflake();
    const dm = await f.db.prisma.participant.create({ data: { discordUserId } });
    const ids = await write([...line, { participantId: dm.id }], literalText({ ja: '会場が変わりました', en: 'The venue has changed' }));
    await f.queue.kick();
    await settled(ids);
    expect(await f.db.prisma.outboxMessage.count({ where: { id: { in: ids }, status: 'sent' } })).toBe(3);
    expect(multicastsTo(line.map((r) => r.lineUserId)).map((m) => m.to.length)).toEqual([2]);
    const posted = discord.requests.filter((r) => /^\/channels\/\d+\/messages$/.test(r.path));
    expect(posted.some((r) => (r.body as { content?: string }).content === '会場が変わりました')).toBe(true);
    expect(discord.invalidRequests()).toEqual([]);
  });
});

describe('LINE\'s rate limits', () => {
  const personal = (n: number) => literalText({ ja: `あなたの番号は ${n} です`, en: `Your number is ${n}` });

  it('a 429 is waited out and the push goes out later, once', async () => {
    const recipients = await people(6);
    f.line.enforceRateLimits({ push: 2 });
    try {
      const now = new Date();
      const ids = await createOutboxRows(f.sql, f.sealer, recipients.map((r, n) => ({ participantId: r.participantId, content: personal(n), kind: 'notice', notBefore: now })), now);
      await f.queue.kick();
      await settled(ids, 30_000);
    } finally {
      f.line.enforceRateLimits({});
    }
    const pushes = f.pushes().filter((p) => recipients.some((r) => r.lineUserId === p.to));
    expect(pushes.some((p) => p.status === 429)).toBe(true);
    expect(recipients.every((r) => f.line.botMessages(r.lineUserId).length === 1)).toBe(true);
  });

  it('are kept by the worker itself (a token bucket in Redis shared by every worker process): LINE never has to refuse', async () => {
    const g = await startWorkerFixture({ rateLimits: { push: 5, multicast: 1 } });
    try {
      g.line.enforceRateLimits({ push: 5, multicast: 1 });
      const users = Array.from({ length: 15 }, () => g.line.createUser({ displayName: 'テスト', language: 'ja' }).userId);
      const participants = await Promise.all(users.map((lineUserId) => g.db.prisma.participant.create({ data: { lineUserId } })));
      const now = new Date();
      const ids = await createOutboxRows(g.sql, g.sealer, participants.map((p, n) => ({ participantId: p.id, content: personal(n), kind: 'notice', notBefore: now })), now);
      await g.queue.kick();
      await eventually(async () => (await g.db.prisma.outboxMessage.count({ where: { id: { in: ids }, status: 'sent' } })) === 15, 30_000);
      expect(g.pushes().map((p) => p.status)).toEqual(Array(15).fill(200));
      expect(g.line.rateLimits.refused.push).toBe(0);
    } finally {
      await g.close();
    }
  });
});
