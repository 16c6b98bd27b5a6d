/**
 * Queue metrics for `/metrics`, read from Redis when Prometheus scrapes: every web (and
 * worker) process serves the same shared view of every queue in runtime/queues.ts, however
 * many processes run and whichever of them did the work.
 *
 * - `ouen_queue_jobs{queue,state}`: waiting (prioritized included), delayed, active, failed;
 * - `ouen_queue_completed_total` / `ouen_queue_failed_total`: BullMQ's own counters in
 *   Redis (kept by workers started with `WORKER_METRICS`); their rate is the throughput;
 * - `ouen_queue_oldest_waiting_seconds`: how long the job next in line has been due
 *   (0 when nothing waits): a worker that stopped taking jobs shows here first;
 * - `ouen_queue_metrics_up`: 0 when Redis could not be read (the values above are then left out).
 */
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import { OUEN_QUEUES } from './queues.ts';

export interface QueueStats {
  queue: string;
  waiting: number;
  delayed: number;
  active: number;
  failed: number;
  completedTotal: number;
  failedTotal: number;
  /** Seconds since the oldest waiting job became due; 0 when none waits. */
  oldestWaitingSeconds: number;
}

/** One queue's numbers, in one round of reads. */
export async function readQueueStats(queue: Queue, now: number): Promise<QueueStats> {
  const [counts, oldest, completed, failed] = await Promise.all([
    queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed'),
    // Ascending: the job that has waited longest, next in line (BullMQ takes from this end).
    queue.getWaiting(0, 0),
    // One data point each: the totals are in the metadata.
    queue.getMetrics('completed', 0, 0),
    queue.getMetrics('failed', 0, 0),
  ]);
  return {
    queue: queue.name,
    waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
    delayed: counts.delayed ?? 0,
    active: counts.active ?? 0,
    failed: counts.failed ?? 0,
    completedTotal: completed.meta.count,
    failedTotal: failed.meta.count,
    oldestWaitingSeconds: waitingSeconds(oldest[0], now),
  };
}

/** A delayed job is due at its creation plus its delay; it has waited only since then. */
export function waitingSeconds(job: Pick<Job, 'timestamp' | 'delay'> | undefined, now: number): number {
  if (!job) return 0;
  return Math.max(0, (now - (job.timestamp + (job.delay ?? 0))) / 1000);
}

export interface QueueMetricsOptions {
  /** A connection of the caller's, shared by the queues read here (closing them leaves it open). */
  redis: Redis;
  prefix: string;
  queues?: readonly string[];
  now?: () => number;
}

/** Registers the queue metrics on `registry`; `close` releases the queues (not the connection). */
export function registerQueueMetrics(registry: Registry, options: QueueMetricsOptions): { close(): Promise<void> } {
  const now = options.now ?? Date.now;
  // BullMQ is loaded at the first scrape: the web thread carries none of it until Prometheus asks.
  let queues: Promise<Queue[]> | undefined;
  const open = () => (queues ??= import('bullmq').then(({ Queue }) => (options.queues ?? OUEN_QUEUES).map((name) => {
    const queue = new Queue(name, { connection: options.redis, prefix: options.prefix });
    // A Redis that cannot be reached is reported as `ouen_queue_metrics_up 0` (and by /healthz), not as unhandled errors.
    queue.on('error', () => undefined);
    return queue;
  })));
  // Every metric's collect asks for the same scrape's numbers: one read of Redis per scrape.
  let scrape: Promise<QueueStats[] | undefined> | undefined;
  const stats = () => {
    scrape ??= open().then((all) => Promise.all(all.map((queue) => readQueueStats(queue, now())))).catch(() => undefined);
    const current = scrape;
    setTimeout(() => {
      if (scrape === current) scrape = undefined;
    }, SCRAPE_REUSE_MS).unref();
    return current;
  };
  const registers = [registry];
  new Gauge({
    name: 'ouen_queue_metrics_up', help: 'Whether the queue metrics could be read from Redis (1) or not (0)', registers,
    async collect() {
      this.set((await stats()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'ouen_queue_jobs', help: 'Jobs in each queue by state (waiting, delayed, active, failed), from Redis', labelNames: ['queue', 'state'], registers,
    async collect() {
      this.reset();
      for (const s of (await stats()) ?? []) {
        for (const state of ['waiting', 'delayed', 'active', 'failed'] as const) this.set({ queue: s.queue, state }, s[state]);
      }
    },
  });
  new Gauge({
    name: 'ouen_queue_oldest_waiting_seconds', help: 'Seconds the oldest waiting job of each queue has been due (0: none waits)', labelNames: ['queue'], registers,
    async collect() {
      this.reset();
      for (const s of (await stats()) ?? []) this.set({ queue: s.queue }, s.oldestWaitingSeconds);
    },
  });
  for (const [name, help, field] of [
    ['ouen_queue_completed_total', 'Jobs completed in each queue, by every worker process (BullMQ\'s counter in Redis)', 'completedTotal'],
    ['ouen_queue_failed_total', 'Jobs failed for good in each queue, by every worker process (BullMQ\'s counter in Redis)', 'failedTotal'],
  ] as const) {
    new Counter({
      name, help, labelNames: ['queue'], registers,
      async collect() {
        this.reset();
        for (const s of (await stats()) ?? []) this.inc({ queue: s.queue }, s[field]);
      },
    });
  }
  return { close: async () => void (queues && await Promise.all((await queues).map((queue) => queue.close()))) };
}

/** Long enough for one scrape's metrics to share a read, short enough that the next scrape reads afresh. */
const SCRAPE_REUSE_MS = 1_000;
