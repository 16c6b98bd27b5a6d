/**
 * `npm run bench:webhook`: signed text-message webhooks from simulated users against
 * ouen running alone in its process on real PostgreSQL and Redis, then the same load
 * against a minimal echo bot on the official SDK's middleware. See BENCHMARKS.md.
 *
 * Phases: (1) ouen, closed loop — every user sends its next answer as soon as the bot's
 * reply reaches the fake LINE API: sustained events/s through the full flow; (2) ouen,
 * open loop at a fixed rate: ack latency; (3) the echo bot under phase 1's load (and
 * phase 2's, for reference).
 *
 * Before phase 1, users are spread over the flow (user i answers (i × 7) mod 20
 * questions first, unmeasured, at most --spread S seconds), so every step is in the mix.
 *
 * Options: --users N (1000) --spread S (60; 0 = all start at 「応募」) --warmup S (5) --duration S (30) --rate N (300)
 * --rate-duration S (20) --skip-echo --echo-only --cpu-prof (a V8 CPU profile of ouen in
 * each measurement window, in the run's results folder)
 * --query-stats (count SQL per statement; slows ouen slightly) --json (print the JSON)
 * --wait-quiet (first wait, up to 5 min, until the machine is idle: a shared box skews rates)
 * --check (exit 1 when a target is not met)
 * --ouen-node-flags="…" (extra Node flags for ouen, e.g. --ouen-node-flags=--max-semi-space-size=8).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { round } from './support/latency.ts';
import { PhaseRecord } from './support/load-driver.ts';
import { runPhase, type WindowHooks } from './support/phase.ts';
import { machineBusyShare, peakRssMiB, QUIET, rssMiB } from './support/proc-stats.ts';
import type { QueryStat } from './support/query-stats.ts';
import { phaseTable, verdicts, verdictTable } from './support/report.ts';
import { STEPS_PER_APPLICATION, type SimulatedUser } from './support/simulated-user.ts';
import { startEchoSystem, startOuenSystem, type RunningSystem } from './support/systems.ts';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    spread: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '5' },
    duration: { type: 'string', default: '30' },
    rate: { type: 'string', default: '300' },
    'rate-duration': { type: 'string', default: '20' },
    'skip-echo': { type: 'boolean', default: false },
    'echo-only': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'query-stats': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'ouen-node-flags': { type: 'string', default: '' },
    'wait-quiet': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});
const USERS = Number(args.users);
const WARMUP_MS = Number(args.warmup) * 1000;
const MEASURE_MS = Number(args.duration) * 1000;
const RATE = Number(args.rate);
const RATE_MS = Number(args['rate-duration']) * 1000;
const SPREAD_MS = Number(args.spread) * 1000;

const runId = new Date().toISOString().replace(/[:.]/g, '-');
const resultsDir = join(fileURLToPath(new URL('.', import.meta.url)), 'results', `webhook-${runId}`);
mkdirSync(resultsDir, { recursive: true });
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const running: RunningSystem[] = [];
// Ctrl+C still drops the database and the queue; a second Ctrl+C leaves at once.
process.once('SIGINT', () => {
  log('interrupted: cleaning up (Ctrl+C again to leave at once)');
  process.once('SIGINT', () => process.exit(130));
  void Promise.allSettled(running.map((s) => s.stop())).finally(() => process.exit(130));
});

try {
  const busyBefore = await checkQuiet(args['wait-quiet']);
  if (args['echo-only']) {
    const echo = await benchEcho();
    console.log(`\n${phaseTable([echo.sustained, echo.fixedRate])}\n\npeak RSS (VmHWM): echo bot ${echo.peakRssMiB} MiB`);
    process.exit(0);
  }
  const ouen = await benchOuen();
  const echo = args['skip-echo'] ? undefined : await benchEcho();
  const phases = [ouen.sustained, ouen.fixedRate, ...(echo ? [echo.sustained, echo.fixedRate] : [])];
  const result = {
    runId,
    source: sourceVersion(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30), node: process.version, busyBefore },
    options: { users: USERS, spreadS: SPREAD_MS / 1000, warmupS: WARMUP_MS / 1000, durationS: MEASURE_MS / 1000, rate: RATE, rateDurationS: RATE_MS / 1000 },
    ouen: { peakRssMiB: ouen.peakRssMiB, memory: ouen.memory, database: ouen.database, queryStats: ouen.queryStats },
    echo: echo ? { peakRssMiB: echo.peakRssMiB } : undefined,
    phases,
    verdicts: verdicts({ sustained: ouen.sustained, fixedRate: ouen.fixedRate, echo: echo?.sustained, ouenPeakRssMiB: ouen.peakRssMiB }),
  };
  writeFileSync(join(resultsDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (args.json) console.log(JSON.stringify(result, null, 2));
  console.log(`\nsource ${result.source.commit}${result.source.changedFiles.length ? ` + changes in ${result.source.changedFiles.join(', ')}` : ''}; machine ${Math.round(busyBefore * 100)} % busy before the run`);
  console.log(`\n${phaseTable(phases)}\n`);
  console.log(`peak RSS (VmHWM): ouen ${ouen.peakRssMiB} MiB${echo ? `, echo bot ${echo.peakRssMiB} MiB` : ''}`);
  console.log(`ouen memory (MiB) after start: ${JSON.stringify(ouen.memory.idle)}; at the end: ${JSON.stringify(ouen.memory.end)}`);
  console.log(`database after the run: ${JSON.stringify(ouen.database)}`);
  if (ouen.queryStats) console.log(`\nSQL per answered event (phase 1, warm-up included):\n${queryTable(ouen.queryStats)}`);
  console.log(`\n${verdictTable(result.verdicts)}\n\nfull result: ${join(resultsDir, 'result.json')}`);
  if (args.check && result.verdicts.some((v) => !v.met)) process.exitCode = 1;
} catch (error) {
  await Promise.allSettled(running.map((s) => s.stop()));
  console.error(error);
  process.exitCode = 1;
}

async function benchOuen() {
  log('starting ouen (fresh database, own Redis prefix) and the fake LINE API');
  const system = await startOuenSystem({
    logFile: join(resultsDir, 'ouen.log'),
    nodeFlags: args['ouen-node-flags'].split(/\s+/).filter(Boolean),
    queryStats: args['query-stats'],
  });
  running.push(system);
  try {
    const idle = { rssMiB: round(rssMiB(system.sut.pid)), ...mib(await system.sut.request<NodeJS.MemoryUsage>('memory')) };
    await smokeCheck(system);
    const users = await system.driver.createUsers(USERS);
    if (SPREAD_MS > 0) {
      log(`spreading ${USERS} users over the flow (unmeasured, at most ${SPREAD_MS / 1000} s)`);
      const started = performance.now();
      await system.driver.spread(users, SPREAD_MS);
      log(`spread in ${round((performance.now() - started) / 1000)} s`);
    }
    await system.sut.request('queryStats');
    const answersBefore = await answersSoFar(system);
    log(`ouen, closed loop: ${USERS} users, ${WARMUP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s measured`);
    const sustained = await runPhase(system, 'sustained', users, { kind: 'closed', warmupMs: WARMUP_MS, measureMs: MEASURE_MS }, profiler(system, 'sustained'));
    await system.sut.request('drain');
    const queryStats = args['query-stats']
      ? { events: (await answersSoFar(system)) - answersBefore, statements: await system.sut.request<QueryStat[]>('queryStats') }
      : undefined;
    log(`ouen, open loop: ${RATE} events/s for ${RATE_MS / 1000} s`);
    const fixedRate = await runPhase(system, `${RATE}/s`, users, { kind: 'open', rate: RATE, durationMs: RATE_MS }, profiler(system, `rate-${RATE}`));
    await system.sut.request('drain');
    const peakRss = round(peakRssMiB(system.sut.pid));
    const memory = { idle, end: { rssMiB: round(rssMiB(system.sut.pid)), ...mib(await system.sut.request<NodeJS.MemoryUsage>('memory')) } };
    const database = await databaseCounts(system);
    return { sustained, fixedRate, peakRssMiB: peakRss, memory, database, queryStats };
  } finally {
    await system.stop();
    running.splice(running.indexOf(system), 1);
  }
}

/** How busy the machine is before we start; other people's work skews every rate measured here. */
async function checkQuiet(wait: boolean): Promise<number> {
  const busy = await machineBusyShare(wait ? 5 * 60_000 : 0);
  log(`machine ${Math.round(busy * 100)} % busy before the run${busy >= QUIET ? ' — figures will be skewed' : ''}`);
  return round(busy, 2);
}

/** The commit measured, and the files changed since (bench/ and BENCHMARKS.md aside). */
function sourceVersion(): { commit: string; changedFiles: string[] } {
  const git = (...gitArgs: string[]) => execFileSync('git', gitArgs, { encoding: 'utf8' }).trimEnd();
  try {
    // Porcelain lines are `XY path`; the benchmark's own files are not the system measured.
    const changed = git('status', '--porcelain').split('\n').map((l) => l.slice(3))
      .filter((f) => f && !f.startsWith('bench/') && f !== 'BENCHMARKS.md');
    return { commit: git('rev-parse', '--short', 'HEAD'), changedFiles: changed };
  } catch {
    return { commit: 'unknown', changedFiles: [] };
  }
}

function mib(usage: NodeJS.MemoryUsage): Record<string, number> {
  return Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, round(v / 2 ** 20)]));
}

function profiler(system: RunningSystem, name: string): WindowHooks | undefined {
  if (!args['cpu-prof']) return undefined;
  const file = join(resultsDir, `ouen-${name}.cpuprofile`);
  return {
    opened: () => system.sut.request('profileStart'),
    closed: async () => {
      await system.sut.request('profileStop', { file });
      log(`CPU profile of the window: ${file}`);
    },
  };
}

async function benchEcho() {
  log('starting the SDK echo bot and its own fake LINE API');
  const system = await startEchoSystem({ logFile: join(resultsDir, 'echo.log') });
  running.push(system);
  try {
    const users = await system.driver.createUsers(USERS);
    log(`echo bot, closed loop: ${USERS} users, ${WARMUP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s measured`);
    const sustained = await runPhase(system, 'sustained', users, { kind: 'closed', warmupMs: WARMUP_MS, measureMs: MEASURE_MS });
    log(`echo bot, open loop: ${RATE} events/s for ${RATE_MS / 1000} s`);
    const fixedRate = await runPhase(system, `${RATE}/s`, users, { kind: 'open', rate: RATE, durationMs: RATE_MS });
    return { sustained, fixedRate, peakRssMiB: round(peakRssMiB(system.sut.pid)) };
  } finally {
    await system.stop();
    running.splice(running.indexOf(system), 1);
  }
}

/** One applicant, one message at a time: the script must reach a receipt number, or the load measures nothing real. */
async function smokeCheck(system: RunningSystem): Promise<void> {
  const [user] = await system.driver.createUsers(1) as [SimulatedUser];
  const record = new PhaseRecord();
  record.windowStart = 0;
  const heard: string[] = [];
  for (let i = 0; i < STEPS_PER_APPLICATION; i++) {
    const answer = user.answer;
    const delivered = await system.driver.turn(user, record);
    heard.push(`${typeof answer === 'string' ? answer : `[${answer.label}]`} → ${delivered?.kind ?? 'not acknowledged'}`);
  }
  if (heard.at(-1)?.endsWith('submitted') && heard.slice(0, -1).every((h) => h.endsWith('ok'))) {
    log(`smoke check: ${STEPS_PER_APPLICATION} answers, one at a time, led to a receipt number`);
    return;
  }
  throw new Error(`the application script does not walk the flow:\n  ${heard.join('\n  ')}`);
}

/** What the run left in the database: proof that each event did a real turn. */
async function databaseCounts(system: RunningSystem) {
  const client = new pg.Client({ connectionString: system.database!.url });
  await client.connect();
  try {
    const count = async (sql: string) => Object.fromEntries((await client.query<{ k: string; n: string }>(sql)).rows.map((r) => [r.k, Number(r.n)]));
    return {
      inbox: await count('SELECT status::text AS k, count(*) AS n FROM "InboxEvent" GROUP BY 1'),
      applications: await count('SELECT status::text AS k, count(*) AS n FROM "Application" GROUP BY 1'),
      outbox: await count('SELECT status::text AS k, count(*) AS n FROM "OutboxMessage" GROUP BY 1'),
      auditRows: (await count('SELECT \'rows\' AS k, count(*) AS n FROM "AuditLog"')).rows ?? 0,
    };
  } finally {
    await client.end();
  }
}

async function answersSoFar(system: RunningSystem): Promise<number> {
  const stats = await system.fake.request<{ reply: number; push: number }>('stats');
  return stats.reply + stats.push;
}

function queryTable({ events, statements: stats }: { events: number; statements: QueryStat[] }): string {
  const total = stats.reduce((sum, s) => sum + s.calls, 0);
  const lines = stats.slice(0, 25).map((s) =>
    `${(s.calls / events).toFixed(2).padStart(6)}  ${(s.totalMs / s.calls).toFixed(2).padStart(7)} ms  ${s.sql}`);
  return [`(≈${Math.round(events)} events; ${(total / events).toFixed(1)} statements per event; calls/event, mean time, statement)`, ...lines].join('\n');
}
