/**
 * ouen as the system under test, alone in its process (web + worker, as `ouen start`
 * runs it), configured from the environment the load generator passes: a fresh
 * database, real Redis with a queue prefix of its own, and LINE pointed at the fake.
 * Reports its port, then its processing backlog every 250 ms.
 *
 * BENCH_QUERY_STATS=1 counts every SQL statement (see support/query-stats.ts). The
 * `profileStart`/`profileStop` requests take a V8 CPU profile of just a measurement
 * window (read it with bench/profile-summary.ts, or open it in Chrome DevTools).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startOuen } from '../cli/start-ouen.ts';
import { parseEnv } from '../core/env.ts';
import { countQueries, takeQueryStats } from './support/query-stats.ts';
import { notifyParent, serveRequests } from './support/ipc.ts';

const BACKLOG_SAMPLE_MS = 250;

if (process.env.BENCH_QUERY_STATS === '1') countQueries();

const ouen = await startOuen({ env: parseEnv(process.env), web: true, worker: true });
const processor = ouen.processor!;
const sampler = setInterval(() => notifyParent('backlog', { backlog: processor.backlog, at: Date.now() }), BACKLOG_SAMPLE_MS);

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const inspector = new Session();
inspector.connect();

serveRequests({
  drain: () => processor.drain(),
  profileStart: async () => {
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  },
  profileStop: async ({ file }: { file: string }) => {
    const { profile } = await inspector.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
  },
  queryStats: () => takeQueryStats(),
  /** Event-loop delay since the last call (ms): how long a webhook may wait behind other work. */
  loopDelay: () => {
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    const figures = { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) };
    loopDelay.reset();
    return figures;
  },
  /** After a full collection when started with --expose-gc: what is really retained. */
  memory: () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage();
  },
  stop: async () => {
    clearInterval(sampler);
    await ouen.close();
    // Exit from a clean stack so --cpu-prof writes its profile.
    setImmediate(() => process.exit(0));
  },
});
notifyParent('ready', { port: ouen.port });
