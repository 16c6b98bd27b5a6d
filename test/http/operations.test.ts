import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../support/capture-logs.ts';
import { botTexts, callbackBody, LineUser } from '../support/line-events.ts';
import { startHarness, type Harness } from '../support/ouen-harness.ts';

const logs = captureLogs();
const logLines = logs.lines;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ logger: logs.logger('trace') });
});

afterAll(async () => {
  await h?.close();
});

describe('operations', () => {
  it('reports database and Redis health', async () => {
    const response = await fetch(`${h.ouen.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok', redis: 'ok' });
  });

  it('serves Prometheus metrics that count webhook traffic', async () => {
    const user = new LineUser(h.line);
    await h.post(callbackBody(h.line.botUserId, user.text('こんにちは')));
    await h.settle();
    const text = await (await fetch(`${h.ouen.url}/metrics`)).text();
    expect(text).toMatch(/ouen_webhook_requests_total\{status="200"\} \d+/);
    expect(text).toMatch(/ouen_webhook_events_total\{type="message",outcome="turn"\} \d+/);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('does not serve the console or the fake LINE API when real credentials are configured', async () => {
    expect((await fetch(`${h.ouen.url}/console`)).status).toBe(404);
    expect((await fetch(`${h.ouen.url}/v2/bot/profile/U0`)).status).toBe(404);
    expect(h.ouen.fakeLine).toBeUndefined();
  });

  it('never logs personal data or message text, even when things fail', async () => {
    const user = new LineUser(h.line);
    const secretWords = ['千葉 花子', 'ちば はなこ', 'hanako@example.jp', '08011112222', '秘密のプラン'];
    await h.post(callbackBody(h.line.botUserId,
      user.text('応募'), user.choose('yes'), user.choose('now'), user.text('船橋市'), user.choose('notYet'),
      user.text(secretWords[0]!), user.text(secretWords[1]!), user.text(secretWords[2]!), user.text(secretWords[3]!),
    ));
    // A reply that fails and is logged as a warning, with the person mid-application.
    await h.post(callbackBody(h.line.botUserId, user.withStaleToken(user.text(secretWords[4]!))));
    await h.settle();
    expect(botTexts(h.line, user.userId).length).toBeGreaterThan(5);
    const logs = logLines.join('');
    expect(logs).toContain('reply failed');
    for (const word of [...secretWords, user.userId]) expect(logs).not.toContain(word);
  });
});
