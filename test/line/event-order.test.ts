import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackBody } from '../../bot/console/webhook-events.ts';
import { ulid } from '../../bot/console/line-ids.ts';
import type { WebhookEvent } from '../../bot/console/webhook-events.ts';
import { acceptEvents } from '../../core/inbox/inbox.repository.ts';
import { captureLogs } from '../support/capture-logs.ts';
import { botTexts, LineUser } from '../support/line-events.ts';
import { untilWaitingForLocks } from '../support/lock-waits.ts';
import { eventually, startHarness, type Harness } from '../support/ouen-harness.ts';

let h: Harness;
const logs = captureLogs();

beforeAll(async () => {
  // One batch at a time, so that a test can make two people's events leave in one batch.
  h = await startHarness({ logger: logs.logger('info'), env: { OUEN_TURN_CONCURRENCY: '1' } });
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
const replayed = () => logs.lines.some((line) => line.includes('replaying unprocessed webhook events'));

/** Stored by another ouen process: in the database, in no queue of this one. */
const storedElsewhere = (user: LineUser, event: WebhookEvent) => acceptEvents(h.db.sql, h.ouen.sealer, [{
  webhookEventId: event.webhookEventId, lineUserId: user.userId, eventType: event.type, occurredAt: new Date(event.timestamp), receivedAt: new Date(), payload: event,
}]);
/** Another process's turn has consumed the event and not committed yet: `client` holds its row until COMMIT. */
const consumedElsewhere = async (client: { query(sql: string, values?: unknown[]): Promise<unknown> }, event: WebhookEvent) => {
  await client.query('BEGIN');
  await client.query(`UPDATE "InboxEvent" SET "status" = 'processed', "payloadSealed" = NULL WHERE "webhookEventId" = $1`, [event.webhookEventId]);
};
const inboxStatus = async (event: WebhookEvent) => (await h.db.prisma.inboxEvent.findUniqueOrThrow({ where: { webhookEventId: event.webhookEventId } })).status;
const body = (...events: WebhookEvent[]) => callbackBody(h.line.botUserId, ...events);

/**
 * Runs `meanwhile` while the only batch slot is taken (a turn waiting for a participant
 * row the test holds), then frees it: what `meanwhile` posts is stored and queued, and
 * nothing of it runs before everything is in.
 */
async function whileTheSlotIsTaken(meanwhile: () => Promise<void>): Promise<void> {
  const blocker = new LineUser(h.line);
  // The blocker's first message makes their participant row.
  await h.post(body(blocker.text('応募')));
  await h.settle();
  const holder = await h.db.sql.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`SELECT 1 FROM "Participant" WHERE "lineUserId" = $1 FOR UPDATE`, [blocker.userId]);
    await h.post(body(blocker.text('メニュー')));
    await untilWaitingForLocks(h.db.sql);
    await meanwhile();
    await holder.query('COMMIT');
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    holder.release();
  }
}

/** Where a bot message to `userId` sits among everything the fake platform recorded. */
const answerSeqs = (userId: string) => h.line.transcript(userId).flatMap((e) => (e.from === 'bot' ? [e.seq] : []));

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
    // Both stored before either runs (a message that arrives after a newer one was answered can only be answered after it).
    await whileTheSlotIsTaken(() => Promise.all(users.map(async (user) => {
      const { older, newer } = twoMessages(user);
      const responses = await Promise.all([h.post(body(newer)), h.post(body(older))]);
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
    })).then(() => undefined));
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
    await storedElsewhere(user, older);
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
    await storedElsewhere(user, older);
    const other = await h.db.sql.connect();
    try {
      await consumedElsewhere(other, older);
      expect((await h.post(callbackBody(h.line.botUserId, newer))).status).toBe(200);
      // The newer event was held back and its catch-up now waits for the other turn's row lock.
      await untilWaitingForLocks(h.db.sql);
      expect(await inboxStatus(newer)).toBe('pending');
      await other.query('COMMIT');
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      other.release();
    }
    await h.settle();
    expect(await inboxStatus(newer)).toBe('processed');
    expect(botTexts(h.line, user.userId)).toHaveLength(1);
    expect(replayed()).toBe(false);
  });

  it('hold up no one else in the same batch while the held person waits for an older event another process is running', async () => {
    const [held, other] = [new LineUser(h.line), new LineUser(h.line)];
    const { older, newer } = twoMessages(held);
    await storedElsewhere(held, older);
    const runningOlder = await h.db.sql.connect();
    try {
      await consumedElsewhere(runningOlder, older);
      // The held person's newer event and the other person's first leave together in one batch.
      await whileTheSlotIsTaken(async () => {
        expect((await h.post(body(newer, other.text('応募')))).status).toBe(200);
      });
      await eventually(() => botTexts(h.line, other.userId).length === 1);
      // That batch is over for the other person, and its slot free: their next message is answered while the held one still waits.
      expect((await h.post(body(other.text('同意する')))).status).toBe(200);
      await eventually(() => botTexts(h.line, other.userId).length === 2);
      expect(await inboxStatus(newer)).toBe('pending');
      expect(botTexts(h.line, held.userId)).toEqual([]);
      await runningOlder.query('COMMIT');
    } finally {
      await runningOlder.query('ROLLBACK').catch(() => undefined);
      runningOlder.release();
    }
    await h.settle();
    expect(await inboxStatus(newer)).toBe('processed');
    expect(botTexts(h.line, held.userId)).toHaveLength(1);
    expect(answerSeqs(held.userId)[0]).toBeGreaterThan(Math.max(...answerSeqs(other.userId)));
    expect(botTexts(h.line, other.userId)[1]).toContain(FIRST_QUESTION);
    expect(replayed()).toBe(false);
  });
});
