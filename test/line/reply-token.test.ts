import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackBody } from '../../bot/console/webhook-events.ts';
import { replyToken as unknownReplyToken, ulid } from '../../bot/console/line-ids.ts';
import { isYoungReplyToken, REPLY_TOKEN_SURE_MS, replyTokenAt } from '../../channels/line/reply-token.ts';
import { acceptEvents } from '../../core/inbox/inbox.repository.ts';
import { LineUser } from '../support/line-events.ts';
import { eventually, startHarness, type Harness } from '../support/ouen-harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const metrics = async () => (await fetch(`${h.ouen.url}/metrics`)).text();
const usedBefore = async () => Number(/ouen_replies_total\{result="used-before"\} (\d+)/.exec(await metrics())?.[1] ?? 0);

describe('a reply token\'s age', () => {
  const now = new Date('2026-11-28T03:00:00Z');

  it('counts from the event\'s timestamp when this machine received it at once', () => {
    const at = replyTokenAt(now.getTime() - 10_000, new Date(now.getTime() - 9_900));
    expect(at).toEqual(new Date(now.getTime() - 10_000));
    expect(isYoungReplyToken(at, now)).toBe(true);
    expect(isYoungReplyToken(new Date(now.getTime() - REPLY_TOKEN_SURE_MS), now)).toBe(false);
  });

  it('counts from when this machine received the event when LINE\'s clock is ahead of ours, so an expired token never looks young', () => {
    // LINE's clock runs a minute ahead: by the timestamp alone the token would not even be issued yet.
    const at = replyTokenAt(now.getTime() + 60_000, new Date(now.getTime() - 30_000));
    expect(at).toEqual(new Date(now.getTime() - 30_000));
    expect(isYoungReplyToken(at, now)).toBe(false);
  });
});

describe('a reply whose young token LINE refuses', () => {
  it('counts as delivered: another process that took the row over after a restart replied with it first', async () => {
    const user = new LineUser(h.line);
    const event = user.text('応募');
    expect(h.line.useReplyToken(event.replyToken as string)).toBe(user.userId);
    const before = await usedBefore();
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
    expect(await usedBefore()).toBe(before + 1);
  });
});

describe('a reply whose token LINE refuses, received long ago by this machine though LINE\'s timestamp says it is young', () => {
  it('is pushed: by this machine\'s clock the token may have expired, so the refusal proves nothing', async () => {
    const user = new LineUser(h.line);
    const newer = user.text('同意する');
    // Stored 40 s ago by another process that stopped; LINE's clock, ahead of ours, stamped it a second ago.
    // Its token is one LINE no longer honours.
    const older = { ...user.text('応募'), timestamp: newer.timestamp - 1000, webhookEventId: ulid(newer.timestamp - 1000), replyToken: unknownReplyToken() };
    await acceptEvents(h.db.sql, h.ouen.sealer, [{
      webhookEventId: older.webhookEventId, lineUserId: user.userId, eventType: older.type, occurredAt: new Date(older.timestamp), receivedAt: new Date(), payload: older,
    }]);
    await h.db.sql.query(`UPDATE "InboxEvent" SET "receivedAt" = now() - interval '40 seconds' WHERE "webhookEventId" = $1`, [older.webhookEventId]);
    const before = await usedBefore();
    expect((await h.post(callbackBody(h.line.botUserId, newer))).status).toBe(200);
    await h.settle();
    await eventually(() => h.line.transcript(user.userId).filter((e) => e.from === 'bot').length === 2);
    const vias = h.line.transcript(user.userId).flatMap((e) => (e.from === 'bot' ? [e.via] : []));
    expect(vias.sort()).toEqual(['push', 'reply']);
    expect(await usedBefore()).toBe(before);
  });
});
