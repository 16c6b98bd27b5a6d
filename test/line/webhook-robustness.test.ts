import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackBody, type WebhookEvent } from '../../bot/console/webhook-events.ts';
import { inboxWriterWaiting } from '../../core/inbox/inbox-writer.ts';
import { captureLogs } from '../support/capture-logs.ts';
import { botTexts, LineUser } from '../support/line-events.ts';
import { untilWaitingForLocks } from '../support/lock-waits.ts';
import { eventually, startHarness, type Harness } from '../support/ouen-harness.ts';

let h: Harness;
const logs = captureLogs();
const logLines = logs.lines;

beforeAll(async () => {
  h = await startHarness({ logger: logs.logger('info') });
});

afterAll(async () => {
  await h?.close();
});

const body = (...events: unknown[]) => callbackBody(h.line.botUserId, ...(events as WebhookEvent[]));
const stored = (webhookEventId: string) => h.db.prisma.inboxEvent.count({ where: { webhookEventId } });
const metrics = async () => (await fetch(`${h.ouen.url}/metrics`)).text();

/** Signed bodies LINE never sends: each turns one event of a valid request into a malformed one. */
const malformations: Array<[string, (event: WebhookEvent) => unknown, string]> = [
  ['a timestamp above 8.64e15', (e) => ({ ...e, timestamp: 8.64e15 + 1 }), 'timestamp'],
  ['a NUL in source.userId', (e) => ({ ...e, source: { type: 'user', userId: `${e.source.userId}\u0000` } }), 'source'],
  ['a NUL in type', (e) => ({ ...e, type: 'message\u0000' }), 'type'],
  ['a NUL in webhookEventId', (e) => ({ ...e, webhookEventId: `${e.webhookEventId.slice(0, 25)}\u0000` }), 'webhookEventId'],
  ['a userId of 3,000 characters', (e) => ({ ...e, source: { type: 'user', userId: `U${'a'.repeat(2999)}` } }), 'source'],
];

describe('POST /webhooks/line with signed but malformed bodies', () => {
  it.each(malformations)('drops an event with %s, answers 200, and stores and answers its valid neighbour', async (_name, malform, reason) => {
    const [sender, neighbour] = [new LineUser(h.line), new LineUser(h.line)];
    const bad = sender.text('応募');
    const good = neighbour.text('応募');
    const response = await h.post(body(malform(bad), good), { unchecked: true });
    expect(response.status).toBe(200);
    await h.settle();
    expect(await stored(bad.webhookEventId)).toBe(0);
    expect(await stored(good.webhookEventId)).toBe(1);
    expect(botTexts(h.line, neighbour.userId)[0]).toContain('個人情報');
    expect(botTexts(h.line, sender.userId)).toEqual([]);
    expect(await metrics()).toMatch(new RegExp(`ouen_webhook_malformed_events_total\\{reason="${reason}"\\} [1-9]`));
  });

  it('logs a dropped event by place, reason and valid id only, never its content', async () => {
    const sender = new LineUser(h.line);
    const bad = sender.text('秘密の計画');
    await h.post(body({ ...bad, timestamp: -5 }), { unchecked: true });
    const line = logLines.find((l) => l.includes('dropped as malformed') && l.includes(bad.webhookEventId));
    expect(JSON.parse(line!)).toMatchObject({ count: 1, events: [{ index: 0, reason: 'timestamp', webhookEventId: bad.webhookEventId }] });
    expect(logLines.join('')).not.toContain('秘密の計画');
    expect(logLines.join('')).not.toContain(sender.userId);
  });

  it('stores the valid event of a mixed body once, on its first delivery and not again on redelivery', async () => {
    const [sender, neighbour] = [new LineUser(h.line), new LineUser(h.line)];
    const mixed = body({ ...sender.text('x'), timestamp: 1e16 }, neighbour.text('応募'));
    expect((await h.post(mixed, { unchecked: true })).status).toBe(200);
    expect((await h.post(mixed, { unchecked: true })).status).toBe(200);
    await h.settle();
    expect(await h.db.prisma.inboxEvent.count({ where: { lineUserId: neighbour.userId } })).toBe(1);
    expect(botTexts(h.line, neighbour.userId)).toHaveLength(1);
  });

  it('answers 400 for a body nested 4,200 levels deep, one that is not JSON, and one without LINE\'s envelope', async () => {
    const deep = `{"destination":"${h.line.botUserId}","events":[${'['.repeat(4200)}${']'.repeat(4200)}]}`;
    expect((await h.post(undefined, { raw: deep })).status).toBe(400);
    expect((await h.post(undefined, { raw: '{"events": [' })).status).toBe(400);
    const event = new LineUser(h.line).text('応募');
    expect((await h.post({ events: [event] }, { unchecked: true })).status).toBe(400);
    expect((await h.post({ destination: 'Ubot', events: [event] }, { unchecked: true })).status).toBe(400);
    expect((await h.post({ destination: h.line.botUserId, events: event }, { unchecked: true })).status).toBe(400);
    expect(await stored(event.webhookEventId)).toBe(0);
  });

  it('answers 40 valid requests sent in the same instant as malformed ones with 200, and stores every valid event', async () => {
    const users = Array.from({ length: 40 }, () => new LineUser(h.line));
    const valid = users.map((u) => u.text('応募'));
    const attacker = new LineUser(h.line);
    const bad = [
      ...malformations.map(([, malform]) => body(malform(attacker.text('x')))),
      { raw: `{"destination":"${h.line.botUserId}","events":${'['.repeat(4200)}${']'.repeat(4200)}}` },
      { raw: '\u0000' },
    ];
    const responses = await Promise.all([
      ...valid.map((event) => h.post(body(event)).then((r) => ['valid', r.status] as const)),
      ...bad.map((b) => ('raw' in b ? h.post(undefined, b) : h.post(b, { unchecked: true })).then((r) => ['bad', r.status] as const)),
    ]);
    expect(responses.filter(([kind]) => kind === 'valid').map(([, status]) => status)).toEqual(valid.map(() => 200));
    expect(responses.filter(([kind]) => kind === 'bad').every(([, status]) => status === 200 || status === 400)).toBe(true);
    await h.settle();
    expect(await h.db.prisma.inboxEvent.count({ where: { webhookEventId: { in: valid.map((e) => e.webhookEventId) } } })).toBe(40);
    for (const u of users) expect(botTexts(h.line, u.userId)).toHaveLength(1);
  });
});

describe('POST /webhooks/line when the database refuses one request', () => {
  it('fails that request alone with 500, logging the error class, SQLSTATE and event id; the 40 sharing its insert are stored', async () => {
    const [culprit, slow] = [new LineUser(h.line), new LineUser(h.line)];
    // The slow user's inserts wait for an advisory lock the test holds, so they take both of
    // the writer's slots and every request after them waits for the next insert, together.
    const gate = await h.db.sql.connect();
    await gate.query('SELECT pg_advisory_lock(8008)');
    await h.db.sql.query(`
      CREATE FUNCTION refuse_one_user() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."lineUserId" = '${culprit.userId}' THEN RAISE EXCEPTION 'refused for the test' USING ERRCODE = '22023'; END IF;
        IF NEW."lineUserId" = '${slow.userId}' THEN PERFORM pg_advisory_lock_shared(8008); PERFORM pg_advisory_unlock_shared(8008); END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_one_user BEFORE INSERT ON "InboxEvent" FOR EACH ROW EXECUTE FUNCTION refuse_one_user();`);
    let waiting = 0;
    const onWaiting = (message: unknown) => void (waiting = (message as { waiting: number }).waiting);
    subscribe(inboxWriterWaiting.name, onWaiting);
    try {
      const refused = culprit.text('応募');
      const users = Array.from({ length: 40 }, () => new LineUser(h.line));
      const valid = users.map((u) => u.text('応募'));
      const holding = [h.post(body(slow.text('応募'))), h.post(body(slow.text('メニュー')))];
      await untilWaitingForLocks(h.db.sql, 2);
      const sent = [...valid.slice(0, 20), refused, ...valid.slice(20)];
      const statuses = Promise.all(sent.map(async (event) => (await h.post(body(event))).status));
      await eventually(() => waiting === sent.length);
      await gate.query('SELECT pg_advisory_unlock(8008)');
      expect(await statuses).toEqual(sent.map((event) => (event === refused ? 500 : 200)));
      await Promise.all(holding);
      // All 41 shared one insert, which the culprit broke; each was then stored on its own.
      expect(logs.entries().filter((e) => e.msg === 'a shared inbox insert failed; its requests are stored one by one')).toMatchObject([{ requests: 41 }]);
      await h.settle();
      expect(await h.db.prisma.inboxEvent.count({ where: { webhookEventId: { in: valid.map((e) => e.webhookEventId) } } })).toBe(40);
      const line = JSON.parse(logLines.find((l) => l.includes('storing webhook events failed'))!);
      expect(line).toMatchObject({ err: { class: 'DatabaseError', code: '22023' }, webhookEventIds: [refused.webhookEventId] });
      expect(logLines.join('')).not.toContain(culprit.userId);
    } finally {
      unsubscribe(inboxWriterWaiting.name, onWaiting);
      await gate.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      gate.release();
      await h.db.sql.query('DROP TRIGGER refuse_one_user ON "InboxEvent"; DROP FUNCTION refuse_one_user()');
    }
  });
});
