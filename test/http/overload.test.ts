import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackBody } from '../../bot/console/webhook-events.ts';
import { createLogger } from '../../core/logger.ts';
import { LineUser } from '../support/line-events.ts';
import { startHarness, type Harness } from '../support/ouen-harness.ts';

let h: Harness;
const logLines: string[] = [];

beforeAll(async () => {
  h = await startHarness({
    env: { OUEN_MAX_BACKLOG: '1' },
    logger: createLogger('info', { write: (line: string) => logLines.push(line) } as unknown as NodeJS.WritableStream),
  });
});

afterAll(async () => {
  await h?.close();
});

const metrics = async () => (await fetch(`${h.ouen.url}/metrics`)).text();

describe('overload', () => {
  it('sheds with 503 and Retry-After while the backlog is over its limit, without a log line per request', async () => {
    const crowd = Array.from({ length: 60 }, () => new LineUser(h.line).text('応募'));
    expect((await h.post(callbackBody(h.line.botUserId, ...crowd))).status).toBe(200);
    const late = await Promise.all(Array.from({ length: 20 }, () => h.post(callbackBody(h.line.botUserId, new LineUser(h.line).text('応募')))));
    const shed = late.filter((r) => r.status === 503);
    expect(shed.length).toBeGreaterThan(1);
    for (const response of shed) expect(response.headers.get('retry-after')).toBe('5');
    expect(await metrics()).toMatch(new RegExp(`ouen_webhook_shed_total ${shed.length}\\b`));
    expect(logLines.filter((l) => l.includes('webhook shedding load')).length).toBeLessThan(shed.length);
    await h.settle();
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
