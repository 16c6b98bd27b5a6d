import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackBody } from '../../bot/console/webhook-events.ts';
import { ulid } from '../../bot/console/line-ids.ts';
import { acceptEvents } from '../../core/inbox/inbox.repository.ts';
import { createLogger } from '../../core/logger.ts';
import { botTexts, LineUser } from '../support/line-events.ts';
import { startHarness, type Harness } from '../support/ouen-harness.ts';

let h: Harness;
const logLines: string[] = [];

beforeAll(async () => {
  h = await startHarness({ logger: createLogger('info', { write: (line: string) => logLines.push(line) } as unknown as NodeJS.WritableStream) });
});

afterAll(async () => {
  await h?.close();
});

/** 「応募」 then 「同意する」 in that order is the consent question, then the first question of the application. */
const CONSENT = '個人情報';
const FIRST_QUESTION = '千葉県内に事業の拠点';

/** A person's two messages: 「応募」 a second before 「同意する」. */
function twoMessages(user: LineUser) {
  const older = user.text('応募');
  const newer = user.text('同意する');
  return { older: { ...older, timestamp: newer.timestamp - 1000, webhookEventId: ulid(newer.timestamp - 1000) }, newer };
}

/**
 * The 30-second replay never ran: every answer below came from the event's own dispatch.
 * (The replay logs each run that finds work; only the one at start may, and it finds none.)
 */
const replayed = () => logLines.some((line) => line.includes('replaying unprocessed webhook events'));

describe('a person\'s events out of order', () => {
  it('are answered in the order they happened when one body lists the older one second', async () => {
    const user = new LineUser(h.line);
    const { older, newer } = twoMessages(user);
    expect((await h.post(callbackBody(h.line.botUserId, newer, older))).status).toBe(200);
    await h.settle();
    const texts = botTexts(h.line, user.userId);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain(CONSENT);
    expect(texts[1]).toContain(FIRST_QUESTION);
    expect(replayed()).toBe(false);
  });

  it('are answered in the order they happened when they come in separate requests, the newer first', async () => {
    const users = Array.from({ length: 10 }, () => new LineUser(h.line));
    await Promise.all(users.map(async (user) => {
      const { older, newer } = twoMessages(user);
      const responses = await Promise.all([h.post(callbackBody(h.line.botUserId, newer)), h.post(callbackBody(h.line.botUserId, older))]);
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
    }));
    await h.settle();
    for (const user of users) {
      const texts = botTexts(h.line, user.userId);
      expect(texts).toHaveLength(2);
      expect(texts[0]).toContain(CONSENT);
      expect(texts[1]).toContain(FIRST_QUESTION);
    }
    expect(await h.db.prisma.inboxEvent.count({ where: { lineUserId: { in: users.map((u) => u.userId) }, status: 'pending' } })).toBe(0);
    expect(replayed()).toBe(false);
  });

  it('run an older event another process stored (and has not processed) before the newer one', async () => {
    const user = new LineUser(h.line);
    const { older, newer } = twoMessages(user);
    // Accepted by another ouen process: in the database, in no queue of this one.
    await acceptEvents(h.db.sql, h.ouen.sealer, [{
      webhookEventId: older.webhookEventId, lineUserId: user.userId, eventType: older.type, occurredAt: new Date(older.timestamp), payload: older,
    }]);
    expect((await h.post(callbackBody(h.line.botUserId, newer))).status).toBe(200);
    await h.settle();
    const texts = botTexts(h.line, user.userId);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain(CONSENT);
    expect(texts[1]).toContain(FIRST_QUESTION);
    const rows = await h.db.prisma.inboxEvent.findMany({ where: { lineUserId: user.userId }, orderBy: { processedAt: 'asc' } });
    expect(rows.map((r) => [r.webhookEventId, r.status])).toEqual([[older.webhookEventId, 'processed'], [newer.webhookEventId, 'processed']]);
    expect(replayed()).toBe(false);
  });

  it('wait for an older event another process is running, then run the newer one', async () => {
    const user = new LineUser(h.line);
    const { older, newer } = twoMessages(user);
    await acceptEvents(h.db.sql, h.ouen.sealer, [{
      webhookEventId: older.webhookEventId, lineUserId: user.userId, eventType: older.type, occurredAt: new Date(older.timestamp), payload: older,
    }]);
    // Another process's turn has consumed the older event and not committed yet.
    const other = await h.db.sql.connect();
    try {
      await other.query('BEGIN');
      await other.query(`UPDATE "InboxEvent" SET "status" = 'processed', "payloadSealed" = NULL WHERE "webhookEventId" = $1`, [older.webhookEventId]);
      expect((await h.post(callbackBody(h.line.botUserId, newer))).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await h.db.prisma.inboxEvent.findUniqueOrThrow({ where: { webhookEventId: newer.webhookEventId } })).status).toBe('pending');
      await other.query('COMMIT');
    } finally {
      other.release();
    }
    await h.settle();
    expect((await h.db.prisma.inboxEvent.findUniqueOrThrow({ where: { webhookEventId: newer.webhookEventId } })).status).toBe('processed');
    expect(botTexts(h.line, user.userId)).toHaveLength(1);
    expect(replayed()).toBe(false);
  });
});
