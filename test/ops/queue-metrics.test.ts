/**
 * Queue metrics as `/metrics` serves them, read from real Redis under a prefix of this
 * test's own: depth by state, BullMQ's completed and failed totals, and the age of the
 * job next in line.
 */
import { randomBytes } from 'node:crypto';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerQueueMetrics, waitingSeconds } from '../../runtime/queue-metrics.ts';
import { WORKER_METRICS } from '../../runtime/queues.ts';
import { eventually } from '../support/ouen-harness.ts';

const prefix = `ouen-test-${randomBytes(4).toString('hex')}`;
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const queues = ['alpha', 'beta'];
const queue = new Queue('alpha', { connection: redis, prefix });

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await new Queue('beta', { connection: redis, prefix }).obliterate({ force: true });
  await redis.quit();
});

/** The value of one sample in Prometheus text, or undefined when it is not there. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('registerQueueMetrics', () => {
  const registry = new Registry();
  const later = Date.now() + 90_000;
  let metrics: { close(): Promise<void> };

  beforeAll(async () => {
    // Two jobs run (one completes, one fails for good) by a worker counting into Redis; then three wait and one is delayed.
    const worker = new Worker('alpha', async (job) => {
      if (job.name === 'bad') throw new UnrecoverableError('refused');
    }, { connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null }, prefix, metrics: WORKER_METRICS });
    await queue.add('good', {});
    await queue.add('bad', {});
    await eventually(async () => (await queue.getMetrics('failed', 0, 0)).meta.count === 1 && (await queue.getMetrics('completed', 0, 0)).meta.count === 1);
    await worker.close();
    await queue.addBulk([{ name: 'a', data: {} }, { name: 'b', data: {} }, { name: 'c', data: {} }]);
    await queue.add('d', {}, { delay: 3_600_000 });
    metrics = registerQueueMetrics(registry, { redis, prefix, queues, now: () => later });
  });

  afterAll(async () => {
    await metrics.close();
  });

  it('serves every queue\'s depth by state, from Redis', async () => {
    const text = await registry.metrics();
    expect(sample(text, 'ouen_queue_jobs', 'queue="alpha",state="waiting"')).toBe(3);
    expect(sample(text, 'ouen_queue_jobs', 'queue="alpha",state="delayed"')).toBe(1);
    expect(sample(text, 'ouen_queue_jobs', 'queue="alpha",state="active"')).toBe(0);
    expect(sample(text, 'ouen_queue_jobs', 'queue="alpha",state="failed"')).toBe(1);
    expect(sample(text, 'ouen_queue_jobs', 'queue="beta",state="waiting"')).toBe(0);
    expect(sample(text, 'ouen_queue_metrics_up', '')).toBeUndefined();
    expect(text).toMatch(/^ouen_queue_metrics_up 1$/m);
  });

  it('serves the completed and failed totals BullMQ counts in Redis', async () => {
    const text = await registry.metrics();
    expect(text).toContain('# TYPE ouen_queue_completed_total counter');
    expect(sample(text, 'ouen_queue_completed_total', 'queue="alpha"')).toBe(1);
    expect(sample(text, 'ouen_queue_failed_total', 'queue="alpha"')).toBe(1);
    expect(sample(text, 'ouen_queue_completed_total', 'queue="beta"')).toBe(0);
  });

  it('serves how long the oldest waiting job has been due (the delayed one does not count)', async () => {
    const [oldest] = await queue.getWaiting(0, 0);
    expect(oldest!.name).toBe('a');
    const text = await registry.metrics();
    expect(sample(text, 'ouen_queue_oldest_waiting_seconds', 'queue="alpha"')).toBeCloseTo((later - oldest!.timestamp) / 1000, 3);
    expect(sample(text, 'ouen_queue_oldest_waiting_seconds', 'queue="beta"')).toBe(0);
  });

  it('says so when Redis cannot be read, instead of failing the scrape', async () => {
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
    const other = new Registry();
    const broken = registerQueueMetrics(other, { redis: down, prefix, queues });
    try {
      const text = await other.metrics();
      expect(text).toMatch(/^ouen_queue_metrics_up 0$/m);
      expect(text).not.toMatch(/^ouen_queue_jobs\{/m);
    } finally {
      await broken.close().catch(() => undefined);
      down.disconnect();
    }
  });
});

describe('waitingSeconds', () => {
  it('counts from when a job became due: its creation plus its delay', () => {
    expect(waitingSeconds({ timestamp: 1_000, delay: 0 }, 11_000)).toBe(10);
    expect(waitingSeconds({ timestamp: 1_000, delay: 5_000 }, 11_000)).toBe(5);
    expect(waitingSeconds({ timestamp: 1_000, delay: 20_000 }, 11_000)).toBe(0);
    expect(waitingSeconds(undefined, 11_000)).toBe(0);
  });
});
