import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLY_TOKEN_SURE_MS } from '../../channels/line/reply-token.ts';
import { createLogger } from '../../core/logger.ts';
import { createOutboxRows, makeOutboxDue } from '../../core/outbox/outbox.repository.ts';
import { settleUnconfirmedReplies } from '../../runtime/settle-unconfirmed-replies.ts';
import { eventually } from '../support/ouen-harness.ts';
import { startWorkerFixture, type WorkerFixture } from '../support/worker-fixture.ts';

let f: WorkerFixture;

beforeAll(async () => {
  f = await startWorkerFixture();
});

afterAll(async () => {
  await f?.close();
});

/**
 * An answer a stopped process committed for an event that happened `ageMs` ago, with the
 * event's reply token; not due yet (it was to go out as a reply). The fake issued the token.
 */
async function unconfirmedAnswer(ageMs: number) {
  const { participantId, lineUserId: userId } = await f.lineParticipant();
  const token = f.line.issueReplyToken(userId);
  const [id] = await createOutboxRows(f.sql, f.sealer, [{
    participantId, content: { messages: [{ type: 'text', text: { literal: { ja: 'ご応募ありがとうございます', en: 'ご応募ありがとうございます' } } }] }, kind: 'reply',
    notBefore: new Date(Date.now() + 50_000), reply: { token, at: new Date(Date.now() - ageMs) },
  }], new Date());
  return { id: id!, userId, token };
}

const row = (id: string) => f.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
/** What a process does when it starts, before it replays or takes any event. */
const startUp = () => settleUnconfirmedReplies({
  db: f.sql, sealer: f.sealer, line: f.channels, logger: createLogger('silent'), metrics: f.metrics, queue: f.queue,
});
const calls = (userId: string) => f.line.requests.filter((r) => JSON.stringify(r.body ?? '').includes(userId) || r.path.includes(userId));
const delivered = (userId: string) => f.line.transcript(userId).filter((e) => e.from === 'bot');
/** Replies LINE refused as used while their token was young, as /metrics counts them. */
const usedBefore = async () => (await f.metrics.replies.get()).values.find((v) => v.labels.result === 'used-before')?.value ?? 0;

describe('answers a stopped process may have sent, when the next one starts', () => {
  it('settle as sent without a push when the young token was used: the reply went out before', async () => {
    const answer = await unconfirmedAnswer(2_000);
    expect(f.line.useReplyToken(answer.token)).toBe(answer.userId);
    const before = await usedBefore();
    await startUp();
    expect((await row(answer.id)).status).toBe('sent');
    expect(await usedBefore()).toBe(before + 1);
    const replies = f.line.requests.filter((r) => r.path === '/v2/bot/message/reply' && (r.body as { replyToken: string }).replyToken === answer.token);
    expect(replies.map((r) => r.status)).toEqual([400]);
    expect(f.line.requests.some((r) => r.path === '/v2/bot/message/push' && (r.body as { to: string }).to === answer.userId)).toBe(false);
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
    // The reply window ends; the dispatcher finds the row due.
    await f.db.prisma.outboxMessage.update({ where: { id: answer.id }, data: { notBefore: new Date() } });
    await f.worker.dispatch();
    await eventually(async () => (await row(answer.id)).status === 'sent');
    expect(delivered(answer.userId).map((e) => e.from === 'bot' && e.via)).toEqual(['push']);
    expect(calls(answer.userId).some((r) => r.path === '/v2/bot/message/reply')).toBe(false);
  });
});

describe('the worker, given a row whose reply failed while its token is young', () => {
  it('replies with the token rather than pushing', async () => {
    const answer = await unconfirmedAnswer(2_000);
    await makeOutboxDue(f.sql, answer.id, new Date());
    await f.queue.enqueue([answer.id]);
    await eventually(async () => (await row(answer.id)).status === 'sent');
    expect(delivered(answer.userId).map((e) => e.from === 'bot' && e.via)).toEqual(['reply']);
  });
});
