import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackBody } from '../../bot/console/webhook-events.ts';
import { LineUser } from '../support/line-events.ts';
import { eventually, startHarness, type Harness } from '../support/ouen-harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('a reply whose young token LINE refuses', () => {
  it('counts as delivered: another process that took the row over after a restart replied with it first', async () => {
    const user = new LineUser(h.line);
    const event = user.text('応募');
    expect(h.line.useReplyToken(event.replyToken as string)).toBe(user.userId);
    await h.post(callbackBody(h.line.botUserId, event));
    await h.settle();
    const answer = await eventually(async () => {
      const row = await h.db.prisma.outboxMessage.findFirst({ where: { participant: { lineUserId: user.userId } } });
      return row?.status === 'sent' && row;
    });
    expect(answer.replyToken).toBeNull();
    expect(h.line.requests.some((r) => r.path === '/v2/bot/message/push' && (r.body as { to: string }).to === user.userId)).toBe(false);
    expect(h.line.requests.filter((r) => r.path === '/v2/bot/message/reply' && (r.body as { replyToken: string }).replyToken === event.replyToken)
      .map((r) => r.status)).toEqual([400]);
  });
});
