import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackBody } from '../../bot/console/webhook-events.ts';
import { captureLogs } from '../support/capture-logs.ts';
import { botTexts, LineUser } from '../support/line-events.ts';
import { untilWaitingForLocks } from '../support/lock-waits.ts';
import { startHarness, type Harness } from '../support/ouen-harness.ts';

let h: Harness;
const logs = captureLogs();

beforeAll(async () => {
  // A backlog over one event sheds; one batch at a time, so one waiting turn holds everything up.
  h = await startHarness({ env: { OUEN_MAX_BACKLOG: '1', OUEN_TURN_CONCURRENCY: '1' }, logger: logs.logger('info') });
});

afterAll(async () => {
  await h?.close();
});

const metrics = async () => (await fetch(`${h.ouen.url}/metrics`)).text();

describe('overload', () => {
  it('sheds with 503 and Retry-After while the backlog is over its limit, without a log line per request', async () => {
    // A turn that waits for a participant row the test holds keeps the backlog where the test puts it.
    const blocker = new LineUser(h.line);
    expect((await h.post(callbackBody(h.line.botUserId, blocker.text('応募')))).status).toBe(200);
    await h.settle();
    const holder = await h.db.sql.connect();
    const crowd = Array.from({ length: 60 }, () => new LineUser(h.line));
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "Participant" WHERE "lineUserId" = $1 FOR UPDATE`, [blocker.userId]);
      expect((await h.post(callbackBody(h.line.botUserId, blocker.text('メニュー')))).status).toBe(200);
      await untilWaitingForLocks(h.db.sql);
      // Backlog 1, not over the limit: the crowd's request is taken, and the backlog is 61.
      expect((await h.post(callbackBody(h.line.botUserId, ...crowd.map((u) => u.text('応募'))))).status).toBe(200);
      expect(h.ouen.processor!.backlog).toBe(61);
      const late = await Promise.all(Array.from({ length: 20 }, () => h.post(callbackBody(h.line.botUserId, new LineUser(h.line).text('応募')))));
      expect(late.map((r) => r.status)).toEqual(late.map(() => 503));
      for (const response of late) expect(response.headers.get('retry-after')).toBe('5');
      expect(await metrics()).toMatch(/ouen_webhook_shed_total 20\b/);
      // Shedding is logged once per 10 s with its count, not once per request.
      expect(logs.lines.filter((l) => l.includes('webhook shedding load')).length).toBeLessThanOrEqual(1);
      await holder.query('COMMIT');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    await h.settle();
    expect(h.ouen.processor!.backlog).toBe(0);
    for (const user of crowd) expect(botTexts(h.line, user.userId)).toHaveLength(1);
  });

  it('labels event types LINE does not document `other`, so fuzzing adds no metric series', async () => {
    const user = new LineUser(h.line);
    const invented = ['fuzzTypeAlpha', 'fuzzTypeBeta', 'fuzzTypeGamma'].map((type) => ({ ...user.unfollow(), type }));
    expect((await h.post(callbackBody(h.line.botUserId, ...invented), { unchecked: true })).status).toBe(200);
    await h.settle();
    const text = await metrics();
    expect(text).toMatch(/ouen_webhook_events_total\{type="other",outcome="ignore"\} [3-9]/);
    expect(text).not.toContain('fuzzType');
  });
});
