/**
 * Runs one load phase against a running system and turns what it saw into figures:
 * rates over the measurement window, latencies, backlog, and the CPU each process used
 * in that window (in cores: CPU seconds per wall-clock second).
 */
import { backendPids } from './bench-database.ts';
import { round, type LatencySummary } from './latency.ts';
import { PhaseRecord } from './load-driver.ts';
import { availableParallelism } from 'node:os';
import { busyShare, cpuSeconds, listenOverflows, machineTicks, rssMiB, type MachineTicks } from './proc-stats.ts';
import type { SimulatedUser } from './simulated-user.ts';
import type { RunningSystem } from './systems.ts';

export type PhaseShape =
  | { kind: 'closed'; warmupMs: number; measureMs: number }
  | { kind: 'open'; rate: number; durationMs: number };

export interface PhaseResult {
  system: 'ouen' | 'echo';
  name: string;
  shape: PhaseShape;
  users: number;
  windowSeconds: number;
  /** Answers delivered to the fake LINE API per second: the full flow's throughput. */
  eventsPerSecond: number;
  /** Webhook requests sent per second (open loop: below the rate when every user was still waiting). */
  sentPerSecond: number;
  /** Webhook requests acknowledged per second. */
  acksPerSecond: number;
  ack: LatencySummary;
  turn: LatencySummary;
  lag?: LatencySummary;
  statuses: Record<string, number>;
  answers: Record<string, number>;
  starved: number;
  /** The bot's calls to the LINE API in the window, by endpoint. */
  lineApiCalls: Record<string, number>;
  /** Connections the kernel refused because an accept queue was full (machine-wide). */
  listenOverflows: number;
  /** Bot messages that arrived for a user who was not waiting for one (late after a timeout, or a second message). */
  unexpectedDeliveries: number;
  backlog: { atStart: number; atEnd: number; max: number };
  /**
   * CPU used in the window, in cores (2 = both cores of a 2-core machine). `others` is
   * what the rest of the machine used meanwhile: other people's work skews a shared box.
   */
  cpu: { systemUnderTest: number; fakeLine: number; loadGenerator: number; postgres?: number; others: number; machineBusyShare: number };
  /**
   * CPU milliseconds per answered event: less sensitive to a busy machine than rates are,
   * and what capacity on a dedicated machine can be estimated from.
   */
  cpuMsPerEvent: { systemUnderTest: number; postgres?: number; fakeLine: number; loadGenerator: number };
  /** ouen only: its event loop's delay in the window (ms), the wait any webhook may see before it is even read. */
  eventLoopDelay?: { p50: number; p99: number; max: number };
  /** Highest resident memory of the system under test sampled in the phase. */
  rssMaxMiB: number;
}

interface Snapshot {
  at: number;
  overflows: number;
  calls: Record<string, number>;
  sut: number;
  fake: number;
  loadgen: number;
  postgres: Map<number, number>;
  machine: MachineTicks;
  backlog: number;
}

const RSS_SAMPLE_MS = 200;

/** Called as the measurement window opens and closes (e.g. to profile just the window). */
export interface WindowHooks {
  opened(): Promise<void>;
  closed(): Promise<void>;
}

export async function runPhase(
  system: RunningSystem, name: string, users: SimulatedUser[], shape: PhaseShape, hooks?: WindowHooks,
): Promise<PhaseResult> {
  const record = new PhaseRecord();
  let rssMax = 0;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, rssMiB(system.sut.pid));
  }, RSS_SAMPLE_MS);
  const unexpectedBefore = system.platform.unexpected;
  const load = shape.kind === 'closed'
    ? system.driver.closedLoop(users, shape.warmupMs, shape.measureMs, record)
    : system.driver.openLoop(users, shape.rate, shape.durationMs, record);
  // Awaited below, after the window; until then a failure (a helper process gone) must not count as unhandled.
  load.catch(() => undefined);
  await sleepUntil(record.windowStart);
  await hooks?.opened();
  if (system.name === 'ouen') await system.sut.request('loopDelay');
  const from = await snapshot(system);
  system.backlog.max = system.backlog.current;
  await sleepUntil(record.windowEnd);
  const to = await snapshot(system);
  const eventLoopDelay = system.name === 'ouen' ? await system.sut.request<PhaseResult['eventLoopDelay']>('loopDelay') : undefined;
  await hooks?.closed();
  const backlogMax = system.backlog.max;
  await load;
  clearInterval(sampler);

  const seconds = (record.windowEnd - record.windowStart) / 1000;
  const cpuSpan = (to.at - from.at) / 1000;
  const cores = (a: number, b: number) => round((b - a) / cpuSpan, 2);
  const perEvent = (a: number, b: number) => round(((b - a) * 1000) / Math.max(1, record.answered * (cpuSpan / seconds)), 2);
  const postgres = postgresSeconds(from.postgres, to.postgres);
  const machineCores = busyShare(from.machine, to.machine) * cpuCount();
  const ours = (to.sut - from.sut) + (to.fake - from.fake) + (to.loadgen - from.loadgen) + postgres;
  return {
    system: system.name,
    name,
    shape,
    users: users.length,
    windowSeconds: round(seconds, 2),
    eventsPerSecond: round(record.answered / seconds),
    sentPerSecond: round(record.sent / seconds),
    acksPerSecond: round(record.acked / seconds),
    ack: record.ack.summary(),
    turn: record.turn.summary(),
    ...(shape.kind === 'open' ? { lag: record.lag.summary() } : {}),
    statuses: record.statuses,
    answers: record.delivered,
    starved: record.starved,
    unexpectedDeliveries: system.platform.unexpected - unexpectedBefore,
    listenOverflows: to.overflows - from.overflows,
    lineApiCalls: Object.fromEntries(Object.entries(to.calls).map(([k, n]) => [k, n - (from.calls[k] ?? 0)]).filter(([, n]) => n !== 0)),
    backlog: { atStart: from.backlog, atEnd: to.backlog, max: backlogMax },
    cpu: {
      systemUnderTest: cores(from.sut, to.sut),
      fakeLine: cores(from.fake, to.fake),
      loadGenerator: cores(from.loadgen, to.loadgen),
      ...(system.database ? { postgres: round(postgres / cpuSpan, 2) } : {}),
      others: round(Math.max(0, machineCores - ours / cpuSpan), 2),
      machineBusyShare: round(busyShare(from.machine, to.machine), 2),
    },
    cpuMsPerEvent: {
      systemUnderTest: perEvent(from.sut, to.sut),
      ...(system.database ? { postgres: perEvent(0, postgres) } : {}),
      fakeLine: perEvent(from.fake, to.fake),
      loadGenerator: perEvent(from.loadgen, to.loadgen),
    },
    ...(eventLoopDelay ? { eventLoopDelay } : {}),
    rssMaxMiB: round(rssMax),
  };
}

async function snapshot(system: RunningSystem): Promise<Snapshot> {
  const [fakeStats, pids] = await Promise.all([
    system.fake.request<{ cpu: NodeJS.CpuUsage; calls: Record<string, number> }>('stats'),
    system.database ? backendPids(system.database.name) : Promise.resolve([]),
  ]);
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    overflows: listenOverflows(),
    calls: { ...fakeStats.calls },
    sut: cpuSeconds(system.sut.pid),
    fake: (fakeStats.cpu.user + fakeStats.cpu.system) / 1e6,
    loadgen: (own.user + own.system) / 1e6,
    postgres: new Map(pids.map((pid) => [pid, cpuSeconds(pid)])),
    machine: machineTicks(),
    backlog: system.backlog.current,
  };
}

/** Backends that appeared during the window count from zero; those that left are lost (rare: pools keep them). */
function postgresSeconds(from: Map<number, number>, to: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of to) total += seconds - (from.get(pid) ?? 0);
  return total;
}

const cpuCount = () => availableParallelism();

function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));
}
