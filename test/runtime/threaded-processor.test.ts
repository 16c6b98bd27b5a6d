/**
 * The web thread's side of the processing thread, against a scripted thread that speaks
 * the protocol (thread-protocol.ts) and can be told to die. The real processing thread
 * runs in every webhook test (test/line/webhook.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadedProcessor } from '../../runtime/threaded-processor.ts';
import type { ProcessingThreadData } from '../../runtime/thread-protocol.ts';
import type { LineEvent } from '../../channels/line/webhook.schema.ts';
import { captureLogs } from '../support/capture-logs.ts';

/** Holds events until drained; a dispatch of the event "die" ends the thread. */
const scriptedThread = `
const { parentPort, threadId } = require('node:worker_threads');
let held = 0;
let seq = 0;
const post = (message) => parentPort.postMessage(message);
parentPort.on('message', (m) => {
  if (m.kind === 'dispatch') {
    if (m.events.some((e) => e.webhookEventId === 'die')) process.exit(3);
    seq = m.seq;
    held += m.events.length;
    post({ kind: 'backlog', size: held, seq });
  } else if (m.kind === 'drain') {
    held = 0;
    post({ kind: 'backlog', size: 0, seq });
    post({ kind: 'drained', id: m.id });
  } else if (m.kind === 'metrics') {
    post({ kind: 'metrics', id: m.id, metrics: [{ name: 'scripted_total', help: 'h', type: 'counter', values: [{ value: held, labels: {} }], aggregator: 'sum' }] });
  } else if (m.kind === 'close') {
    post({ kind: 'closed', id: m.id });
    parentPort.close();
  }
});
post({ kind: 'log', line: JSON.stringify({ level: 40, time: 1, msg: 'scripted thread started', thread: threadId }) });
post({ kind: 'ready' });
`;

const event = (id: string) => ({ webhookEventId: id }) as LineEvent;

function logSink() {
  const logs = captureLogs();
  return { lines: logs.records, logger: logs.logger('info') };
}

let processor: ThreadedProcessor | undefined;
afterEach(async () => {
  await processor?.close();
  processor = undefined;
});

async function start() {
  const { lines, logger } = logSink();
  processor = await ThreadedProcessor.start({ logger, data: {} as ProcessingThreadData, threadScript: scriptedThread });
  return { lines, processor };
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('ThreadedProcessor', () => {
  it('counts dispatched events as backlog until the thread reports them done', async () => {
    const { processor } = await start();
    processor.dispatch([event('a'), event('b')]);
    processor.dispatch([event('c')]);
    expect(processor.backlog).toBe(3); // before the thread has said anything
    await until(() => processor.backlog === 3);
    await processor.drain();
    expect(processor.backlog).toBe(0);
  });

  it("relays the thread's log lines through the web thread's logger, at their level", async () => {
    const { lines } = await start();
    await until(() => lines.length > 0);
    expect(lines[0]).toMatchObject({ level: 40, msg: 'scripted thread started', thread: expect.any(Number), service: 'ouen' });
  });

  it("hands out the thread's metrics for /metrics", async () => {
    const { processor } = await start();
    processor.dispatch([event('a')]);
    const metrics = await processor.metrics();
    expect(metrics).toEqual([expect.objectContaining({ name: 'scripted_total', values: [{ value: 1, labels: {} }] })]);
  });

  it('starts a new thread when the thread dies; whoever waited is answered', async () => {
    const { lines, processor } = await start();
    await until(() => lines.length === 1);
    processor.dispatch([event('die')]);
    await processor.drain(); // answered by the exit, not left hanging
    await until(() => lines.filter((l) => l.msg === 'scripted thread started').length === 2);
    expect(lines.some((l) => l.msg === 'processing thread stopped; starting a new one' && l.code === 3)).toBe(true);
    expect(processor.backlog).toBe(0);
    processor.dispatch([event('after')]);
    await until(() => processor.backlog === 1);
    await processor.drain();
    expect(processor.backlog).toBe(0);
  });

  it('keeps what is sent while the thread starts again, and hands it to the new thread', async () => {
    const { lines, processor } = await start();
    processor.dispatch([event('die')]);
    processor.dispatch([event('meanwhile-1'), event('meanwhile-2')]);
    await until(() => lines.some((l) => l.msg === 'processing thread stopped; starting a new one'));
    processor.dispatch([event('meanwhile-3')]);
    expect(processor.backlog).toBe(1); // the dead thread's share is dropped: the inbox replay owns it
    await until(() => lines.filter((l) => l.msg === 'scripted thread started').length === 2);
    // The new thread holds exactly the event sent while it was starting.
    expect(await processor.metrics()).toEqual([expect.objectContaining({ values: [{ value: 1, labels: {} }] })]);
    await processor.drain();
    expect(processor.backlog).toBe(0);
  });

  it('fails to start when the thread fails before it is ready, and does not try again', async () => {
    const { lines, logger } = logSink();
    const broken = "require('node:worker_threads').parentPort.postMessage({ kind: 'log', line: JSON.stringify({ level: 30, msg: 'broken thread started' }) }); throw new Error('no database');";
    await expect(ThreadedProcessor.start({ logger, data: {} as ProcessingThreadData, threadScript: broken })).rejects.toThrow(/no database/);
    const quitter = "require('node:worker_threads').parentPort.postMessage({ kind: 'log', line: JSON.stringify({ level: 30, msg: 'broken thread started' }) }); process.exit(4);";
    await expect(ThreadedProcessor.start({ logger, data: {} as ProcessingThreadData, threadScript: quitter })).rejects.toThrow(/exited with 4/);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(lines.filter((l) => l.msg === 'broken thread started').length).toBeLessThanOrEqual(2);
  });

  it('closes: the thread ends and is not started again', async () => {
    const { lines, processor: started } = await start();
    await started.close();
    processor = undefined;
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(lines.filter((l) => l.msg === 'scripted thread started')).toHaveLength(1);
  });
});
