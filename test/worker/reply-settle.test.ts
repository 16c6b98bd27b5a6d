import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeLineApi, type FakeLineStore } from '../../bot/console/fake-line-api.ts';
import { LineApi, singleChannel } from '../../bot/line/line-api.ts';
import { REPLY_TOKEN_SURE_MS } from '../../bot/line/reply-token.ts';
import { redisConnection } from '../../bot/redis-connection.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlDb } from '../../core/db/pg-transaction.ts';
import { createLogger } from '../../core/logger.ts';
import { createMetrics } from '../../core/metrics.ts';
import { createOutboxRows, makeOutboxDue } from '../../core/outbox/outbox.repository.ts';
import { OutboxQueue } from '../../worker/outbox-queue.ts';
import { startOutboxWorker, type RunningWorker } from '../../worker/outbox-worker.ts';
import { settleUnconfirmedReplies } from '../../worker/settle-unconfirmed-replies.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventually } from '../support/ouen-harness.ts';

let db: TestDatabase;
let line: FakeLineStore;
let server: Server;
let queue: OutboxQueue;
let worker: RunningWorker;
let lineApi: LineApi;
const sealer = new Sealer(randomBytes(32));
const prefix = `ouen-test-${randomBytes(4).toString('hex')}`;
const connection = redisConnection('redis://127.0.0.1:6379');

beforeAll(async () => {
  db = await createTestDatabase();
  const token = randomBytes(24).toString('base64url');
  const fake = createFakeLineApi({ channelAccessToken: token });
  line = fake.store;
  server = await new Promise((resolve) => {
    const s = express().use(fake.router).listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  queue = new OutboxQueue(connection, prefix);
  lineApi = new LineApi({ channelAccessToken: token, apiBaseUrl: base, dataApiBaseUrl: base });
  worker = startOutboxWorker({
    db: sqlDb(db.sql), sealer, logger: createLogger('silent'), metrics: createMetrics(), connection, prefix, queue, line: singleChannel(lineApi),
    sweepEveryMs: 60_000,
  });
});

afterAll(async () => {
  await worker?.close();
  await queue?.queue.obliterate({ force: true });
  await queue?.close();
  server?.close();
  await db?.drop();
});

/**
 * An answer a stopped process committed for an event that happened `ageMs` ago, with the
 * event's reply token; not due yet (it was to go out as a reply). The fake issued the token.
 */
async function unconfirmedAnswer(ageMs: number) {
  const user = line.createUser({ displayName: 'テスト', language: 'ja' });
  const participant = await db.prisma.participant.create({ data: { lineUserId: user.userId } });
  const token = line.issueReplyToken(user.userId);
  const [id] = await createOutboxRows(sqlDb(db.sql), sealer, [{
    participantId: participant.id, messages: [{ type: 'text', text: 'ご応募ありがとうございます' }], reason: 'reply',
    notBefore: new Date(Date.now() + 50_000), reply: { token, at: new Date(Date.now() - ageMs) },
  }]);
  return { id: id!, userId: user.userId, token };
}

const row = (id: string) => db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
/** What a process does when it starts, before it replays or takes any event. */
const startUp = () => settleUnconfirmedReplies({
  db: sqlDb(db.sql), sealer, line: singleChannel(lineApi), logger: createLogger('silent'), metrics: createMetrics(), queue,
});
const calls = (userId: string) => line.requests.filter((r) => JSON.stringify(r.body ?? '').includes(userId) || r.path.includes(userId));
const delivered = (userId: string) => line.transcript(userId).filter((e) => e.from === 'bot');

describe('answers a stopped process may have sent, when the next one starts', () => {
  it('settle as sent without a push when the young token was used: the reply went out before', async () => {
    const answer = await unconfirmedAnswer(2_000);
    expect(line.useReplyToken(answer.token)).toBe(answer.userId);
    await startUp();
    expect((await row(answer.id)).status).toBe('sent');
    const replies = line.requests.filter((r) => r.path === '/v2/bot/message/reply' && (r.body as { replyToken: string }).replyToken === answer.token);
    expect(replies.map((r) => r.status)).toEqual([400]);
    expect(line.requests.some((r) => r.path === '/v2/bot/message/push' && (r.body as { to: string }).to === answer.userId)).toBe(false);
    expect(delivered(answer.userId)).toHaveLength(0);
    expect((await row(answer.id)).replyToken).toBeNull();
  });

  it('go out as a reply, once, when the young token was not used: the reply never went out', async () => {
    const answer = await unconfirmedAnswer(2_000);
    await startUp();
    expect((await row(answer.id)).status).toBe('sent');
    expect(delivered(answer.userId).map((e) => e.from === 'bot' && e.via)).toEqual(['reply']);
  });

  it('are pushed, once, when the token is too old for its refusal to prove anything', async () => {
    const answer = await unconfirmedAnswer(REPLY_TOKEN_SURE_MS + 5_000);
    await startUp();
    expect((await row(answer.id)).status).toBe('pending');
    // The reply window ends; the sweeper finds the row due.
    await db.prisma.outboxMessage.update({ where: { id: answer.id }, data: { notBefore: new Date() } });
    await worker.sweep();
    await eventually(async () => (await row(answer.id)).status === 'sent');
    expect(delivered(answer.userId).map((e) => e.from === 'bot' && e.via)).toEqual(['push']);
    expect(calls(answer.userId).some((r) => r.path === '/v2/bot/message/reply')).toBe(false);
  });
});

describe('the worker, given a row whose reply failed while its token is young', () => {
  it('replies with the token rather than pushing', async () => {
    const answer = await unconfirmedAnswer(2_000);
    await makeOutboxDue(sqlDb(db.sql), answer.id, new Date());
    await queue.enqueue([answer.id]);
    await eventually(async () => (await row(answer.id)).status === 'sent');
    expect(delivered(answer.userId).map((e) => e.from === 'bot' && e.via)).toEqual(['reply']);
  });
});
