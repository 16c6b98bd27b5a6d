/**
 * `npm run bench:local`: local mode as `npm start` runs it (no DATABASE_URL, no LINE
 * credentials, the embedded database under a new data directory), started as its own
 * process with the server's Node flags. Per run:
 *
 * 1. first start on an empty data directory: time from spawn until both `/healthz`
 *    and `/console` answer 200 (everything is mounted);
 * 2. a session: --users people complete a contest application through the console's
 *    API at the same time, then the staff panel shows the stats and the list;
 * 3. stop (SIGINT), then restart on the same data directory: time to ready, the same way.
 *
 * Memory is the whole local system: the ouen process (all its threads) and every process
 * it started (a database server and its backends), sampled every 100 ms as the sum of
 * their PSS (/proc/PID/smaps_rollup; shared pages split between the processes that map
 * them). "After start" is 2 s after ready; "peak" is the highest sum over the run.
 * Redis is not counted: it is a service the machine provides, as in production.
 *
 * Options: --runs N (3) --users N (3) --json --wait-quiet (first wait, up to 5 min, until
 * the machine is idle) --env KEY=VALUE (repeatable; extra environment for ouen, e.g.
 * --env OUEN_PROCESSING_THREAD=0).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { redisConnection } from '../runtime/redis-connection.ts';
import { obliterateQueues } from '../runtime/queues.ts';
import { SERVER_NODE_FLAGS } from '../scripts/node-flags.mjs';
import { applyThroughConsole, staffLook } from './support/console-session.ts';
import { machineBusyShare, peakRssMiB, QUIET } from './support/proc-stats.ts';
import { pssMiB, treeMemory, type ProcessMemory } from './support/process-tree.ts';
import { freePort } from '../core/free-port.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    users: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
    'wait-quiet': { type: 'boolean', default: false },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const RUNS = Number(args.runs);
const USERS = Number(args.users);
const EXTRA_ENV = Object.fromEntries(args.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE_MS = 100;
const SETTLE_MS = 2_000;
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const resultsDir = join(ROOT, 'bench', 'results', `local-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(resultsDir, { recursive: true });
/** What ouen prints and logs (warnings and up), every start appended. */
const logFile = openSync(join(resultsDir, 'ouen.log'), 'a');

interface RunResult {
  firstStartS: number;
  restartS: number;
  afterStartMiB: number;
  afterRestartMiB: number;
  peakMiB: number;
  peakRestartMiB: number;
  /** VmHWM of the ouen process alone (a true peak, not sampled). */
  ouenPeakRssMiB: number;
  sessionS: number;
  processes: number;
  atPeak: ProcessMemory[];
}

/** A running `ouen start` and the memory sampler watching its tree. */
class System {
  peakMiB = 0;
  atPeak: ProcessMemory[] = [];
  /** VmHWM of the ouen process itself: read while it lives, kept after it exits. */
  ouenPeakRssMiB = 0;
  readonly #sampler: NodeJS.Timeout;

  constructor(readonly child: ChildProcess, readonly base: string) {
    this.#sampler = setInterval(() => this.sample(), SAMPLE_MS);
  }

  sample(): { sumMiB: number; processes: ProcessMemory[] } {
    const processes = this.child.pid ? treeMemory(this.child.pid) : [];
    if (this.child.pid) this.ouenPeakRssMiB = Math.max(this.ouenPeakRssMiB, peakRssMiB(this.child.pid));
    const sumMiB = pssMiB(processes);
    if (sumMiB > this.peakMiB) {
      this.peakMiB = sumMiB;
      this.atPeak = processes;
    }
    return { sumMiB, processes };
  }

  async stop(): Promise<void> {
    clearInterval(this.#sampler);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

async function startSystem(dataDir: string, prefix: string): Promise<{ system: System; readyS: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(ROOT, 'bin', 'ouen.mjs'), 'start'], {
    cwd: ROOT,
    env: { ...cleanEnv(), PORT: String(port), OUEN_DATA_DIR: dataDir, OUEN_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', ...EXTRA_ENV },
    stdio: ['ignore', logFile, logFile],
  });
  const system = new System(child, `http://127.0.0.1:${port}`);
  const deadline = started + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ouen exited with ${child.exitCode} before it was ready`);
    if (await answers200(`${system.base}/healthz`) && await answers200(`${system.base}/console`)) return { system, readyS: (performance.now() - started) / 1000 };
    await sleep(50);
  }
  await system.stop();
  throw new Error('ouen was not ready in time');
}

async function oneRun(run: number): Promise<RunResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ouen-bench-local-'));
  const prefix = `ouen-bench-local-${randomBytes(4).toString('hex')}`;
  try {
    const first = await startSystem(dataDir, prefix);
    let afterStartMiB: number;
    let sessionS: number;
    try {
      await sleep(SETTLE_MS);
      afterStartMiB = first.system.sample().sumMiB;
      const sessionStarted = performance.now();
      const receipts = await Promise.all(Array.from({ length: USERS }, (_, i) =>
        applyThroughConsole(first.system.base, `ベンチ ${run}-${i}`, `bench-${run}-${i}@example.jp`)));
      await staffLook(first.system.base, '/stats');
      await staffLook(first.system.base, '/applications');
      sessionS = (performance.now() - sessionStarted) / 1000;
      log(`run ${run}: ${receipts.length} applications (${receipts.join(', ')}) in ${sessionS.toFixed(1)} s`);
      first.system.sample();
    } finally {
      await first.system.stop();
    }
    const ouenPeakRssMiB = first.system.ouenPeakRssMiB;
    const second = await startSystem(dataDir, prefix);
    let afterRestartMiB: number;
    try {
      await sleep(SETTLE_MS);
      afterRestartMiB = second.system.sample().sumMiB;
    } finally {
      await second.system.stop();
    }
    return {
      firstStartS: first.readyS, restartS: second.readyS, afterStartMiB, afterRestartMiB, peakMiB: first.system.peakMiB,
      peakRestartMiB: second.system.peakMiB, ouenPeakRssMiB, sessionS, processes: first.system.atPeak.length, atPeak: first.system.atPeak,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await obliterateQueues(redisConnection(REDIS_URL), prefix);
  }
}

/** `/healthz` is mounted last: before it answers, other routes may still be missing (404). */
const answers200 = (url: string) => fetch(url).then((r) => r.status === 200, () => false);

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(DATABASE_URL|LINE_|OUEN_|DISCORD_|PORT$|HOST$|NODE_OPTIONS$)/.test(key)) delete env[key];
  }
  return env;
}


const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (value: number, digits = 1) => value.toFixed(digits);

log(`ouen's output: ${join(resultsDir, 'ouen.log')}`);
if (args['wait-quiet']) {
  log('waiting (up to 5 min) for a quiet machine');
  const busy = await machineBusyShare(5 * 60_000);
  log(`machine ${Math.round(busy * 100)} % busy${busy < QUIET ? '' : ' (not quiet: figures will be slower)'}`);
}
// The `ouen` command rebuilds its bundle when a source is newer: do it now, not inside a timed start.
execFileSync(process.execPath, [join(ROOT, 'bin', 'ouen.mjs'), '--help'], { stdio: 'ignore' });
const results: RunResult[] = [];
for (let run = 1; run <= RUNS; run++) {
  const result = await oneRun(run);
  results.push(result);
  log(`run ${run}: first start ${fmt(result.firstStartS)} s, restart ${fmt(result.restartS)} s, ` +
    `after start ${fmt(result.afterStartMiB)} MiB, peak ${fmt(result.peakMiB)} MiB over ${result.processes} process(es)`);
}
const pick = (key: keyof Omit<RunResult, 'atPeak'>) => results.map((r) => r[key]);
const summary = {
  runs: RUNS, users: USERS, env: EXTRA_ENV,
  firstStartS: median(pick('firstStartS')), restartS: median(pick('restartS')),
  afterStartMiB: median(pick('afterStartMiB')), afterRestartMiB: median(pick('afterRestartMiB')),
  peakMiB: median(pick('peakMiB')), peakRestartMiB: median(pick('peakRestartMiB')), ouenPeakRssMiB: median(pick('ouenPeakRssMiB')),
  sessionS: median(pick('sessionS')),
};
if (args.json) {
  console.log(JSON.stringify({ summary, results }, null, 2));
} else {
  const mb = (mib: number) => `${fmt(mib)} MiB (${fmt((mib * 1024 * 1024) / 1e6)} MB)`;
  const range = (key: keyof Omit<RunResult, 'atPeak'>) => `${fmt(Math.min(...pick(key)))}–${fmt(Math.max(...pick(key)))}`;
  console.log([
    `local mode, ${RUNS} run(s), ${USERS} console user(s) applying at once${args.env.length ? `, ${args.env.join(' ')}` : ''}; medians (min–max)`,
    `  first start (empty data dir) to console ready  ${fmt(summary.firstStartS)} s (${range('firstStartS')})`,
    `  restart to console ready                       ${fmt(summary.restartS)} s (${range('restartS')})`,
    `  PSS, whole system, 2 s after first start       ${mb(summary.afterStartMiB)} (${range('afterStartMiB')})`,
    `  PSS, whole system, 2 s after restart           ${mb(summary.afterRestartMiB)} (${range('afterRestartMiB')})`,
    `  PSS, whole system, peak (start + session)      ${mb(summary.peakMiB)} (${range('peakMiB')})`,
    `  PSS, whole system, peak of the restart         ${mb(summary.peakRestartMiB)} (${range('peakRestartMiB')})`,
    `  RSS peak (VmHWM) of the ouen process alone     ${mb(summary.ouenPeakRssMiB)}`,
    `  session (applications + staff panel)           ${fmt(summary.sessionS)} s`,
    `  at the peak of the last run: ${results.at(-1)!.atPeak.map((p) => `${p.name} ${fmt(p.pssKiB / 1024)}`).join(', ')} MiB`,
  ].join('\n'));
}
