/**
 * The inbox replay as the worker's job: a webhook event stored but left behind (another
 * process stored it and stopped) is processed by the replay job, once: the person gets
 * one answer however often the job runs. ouen on real PostgreSQL and Redis, the fake LINE.
 */
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptEvents } from '../../core/inbox/inbox.repository.ts';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { INBOX_REPLAY_QUEUE } from '../../runtime/queues.ts';
import { botTexts, LineUser } from '../support/line-events.ts';
import { eventually, startHarness, type Harness } from '../support/ouen-harness.ts';

let h: Harness;
let events: QueueEvents;

beforeAll(async () => {
  h = await startHarness();
  events = new QueueEvents(INBOX_REPLAY_QUEUE, { connection: redisConnection(h.ouen.env.REDIS_URL), prefix: h.ouen.env.OUEN_QUEUE_PREFIX });
  await events.waitUntilReady();
});

afterAll(async () => {
  await events?.close();
  await h?.close();
});

/** Runs the replay job now (the scheduler's own runs come every half minute) and resolves when it has finished. */
async function replayNow(): Promise<void> {
  const job = await h.ouen.delivery!.inboxReplay.queue.add('replay', {});
  await job.waitUntilFinished(events);
}

describe('the inbox replay job', () => {
  it('processes an event left behind, once', async () => {
    const user = new LineUser(h.line);
    const event = user.text('ヘルプ');
    // Stored 40 s ago by a process that stopped before processing it: in no queue of this one.
    await acceptEvents(h.db.sql, h.ouen.sealer, [{
      webhookEventId: event.webhookEventId, lineUserId: user.userId, eventType: event.type, occurredAt: new Date(event.timestamp), receivedAt: new Date(), payload: event,
    }]);
    await h.db.sql.query(`UPDATE "InboxEvent" SET "receivedAt" = "receivedAt" - interval '40 seconds' WHERE "webhookEventId" = $1`, [event.webhookEventId]);
    expect(botTexts(h.line, user.userId)).toEqual([]);

    await replayNow();
    await eventually(() => botTexts(h.line, user.userId).length > 0);
    expect((await h.db.prisma.inboxEvent.findUniqueOrThrow({ where: { webhookEventId: event.webhookEventId } })).status).toBe('processed');
    const answers = botTexts(h.line, user.userId);
    expect(answers[0]).toMatch(/使い方/);

    await replayNow();
    expect(botTexts(h.line, user.userId)).toEqual(answers);
  }, 30_000);
});
