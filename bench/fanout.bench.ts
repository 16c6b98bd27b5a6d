/**
 * `npm run bench:fanout`: one send to 10,000 people through `ouen worker` (its own process,
 * started as in production) against the fake LINE API enforcing LINE's rate limits
 * (push 2,000/s, multicast 200/s; bench/run-fake-line.ts), on real PostgreSQL and Redis.
 *
 * Two cases: identical content (floor: ⌈N/500⌉ multicasts at 200/s) and personalised
 * content (floor: N pushes at 2,000/s). Reported per case: API calls by endpoint and
 * status, wall time from the send's rows being committed to the last recipient's row
 * settled (the latest `sentAt`), the floor and the ratio, duplicates (messages a user
 * received beyond one: must be 0), recipients reached, the worker's peak RSS, CPU seconds
 * of the worker, the fake, PostgreSQL and Redis, how busy the two cores were, when the
 * first call came and over how long the calls were spread (the fake's clock), and how long
 * one UPDATE of the send's N rows takes (what keeping each recipient's state costs here).
 *
 * Env: BENCH_FANOUT_RECIPIENTS (default 10000), BENCH_FANOUT_CASES (e.g. `identical`; default both), BENCH_REDIS_URL, BENCH_DATABASE_ADMIN_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SERVER_NODE_FLAGS } from '../scripts/node-flags.mjs';
import { Sealer } from '../core/crypto/sealer.ts';
import { sqlClient } from '../core/db/pg-transaction.ts';
import { literalText, type OutboxContent } from '../core/outbox/outbox-content.ts';
import { createOutboxRows } from '../core/outbox/outbox.repository.ts';
import { OutboxQueue } from '../runtime/outbox-queue.ts';
import { LINE_RATE_LIMITS } from '../worker/outbox-worker.ts';
import { obliterateQueues } from '../runtime/queues.ts';
import { redisConnection } from '../runtime/redis-connection.ts';
import { createBenchDatabase } from './support/bench-database.ts';
import { forkChild } from './support/ipc.ts';
import { busyShare, cpuSeconds, cpuSecondsOf, machineTicks, peakRssMiB } from './support/proc-stats.ts';

const N = Number(process.env.BENCH_FANOUT_RECIPIENTS ?? 10_000);
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
/** Only these cases (comma-separated), e.g. `identical`; all when unset. */
const CASES = process.env.BENCH_FANOUT_CASES?.split(',');
/** LINE's published limits, as the worker keeps them by default; the fake enforces the same. */
const LIMITS = { push: LINE_RATE_LIMITS.push!, multicast: LINE_RATE_LIMITS.multicast! };
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'ouen.mjs');

interface Received {
  users: number;
  duplicates: number;
  statuses: Record<string, number>;
  sendWindow: { first: number; last: number };
}

const token = randomBytes(24).toString('base64url');
const key = randomBytes(32);
const prefix = `ouen-bench-${randomBytes(4).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'ouen-fanout-'));
const logFile = join(dataDir, 'bench.log');
const database = await createBenchDatabase();
const fake = forkChild(fileURLToPath(new URL('./run-fake-line.ts', import.meta.url)), {
  env: { LINE_CHANNEL_ACCESS_TOKEN: token, FAKE_LINE_RATE_LIMITS: JSON.stringify(LIMITS), NODE_ENV: 'production' }, logFile,
});
let worker: ChildProcess | undefined;
const pool = new pg.Pool({ connectionString: database.url, max: 4 });
const queue = new OutboxQueue(redisConnection(REDIS_URL), prefix);

try {
  const { port } = await fake.ready;
  const fakeUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env, DATABASE_URL: database.url, REDIS_URL, LINE_CHANNEL_SECRET: randomBytes(16).toString('hex'), LINE_CHANNEL_ACCESS_TOKEN: token,
    LINE_API_BASE_URL: fakeUrl, LINE_DATA_API_BASE_URL: fakeUrl, OUEN_ENCRYPTION_KEY: key.toString('base64'), OUEN_DATA_DIR: dataDir,
    OUEN_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', NODE_ENV: 'production',
  };
  await run(spawn(process.execPath, [bin, 'migrate'], { env, stdio: 'ignore' }));
  const extraFlags = process.env.BENCH_WORKER_NODE_FLAGS ? process.env.BENCH_WORKER_NODE_FLAGS.split(' ') : [];
  worker = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...extraFlags, bin, 'worker'], { env: { ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
  await started(worker);
  console.log(`fan-out to ${N} recipients; load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const results = [];
  for (const [name, content] of [
    ['identical', () => literalText({ ja: '説明会は 12 月 10 日です', en: 'The briefing is on 10 December' })],
    ['personalised', (n: number) => literalText({ ja: `受付番号 ${n} の方へ`, en: `To receipt ${n}` })],
  ] as Array<[string, (n: number) => OutboxContent]>) {
    if (CASES && !CASES.includes(name)) continue;
    results.push(await fanOut(name, content));
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('\n| case | API calls (endpoint status: count) | wall time | floor | ratio | duplicates | reached | worker peak RSS | CPU s (worker / fake LINE / PostgreSQL / Redis) | both cores busy | one UPDATE of the N rows |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.name} | ${r.calls} | ${r.wall.toFixed(2)} s | ${r.floor.toFixed(2)} s | ${(r.wall / r.floor).toFixed(2)}× | ${r.duplicates} | ${r.reached}/${N} | ${r.rss.toFixed(0)} MiB | ${r.cpu.worker.toFixed(2)} / ${r.cpu.fake.toFixed(2)} / ${r.cpu.postgres.toFixed(2)} / ${r.cpu.redis.toFixed(2)} | ${(r.cpu.busy * 100).toFixed(0)} % | ${r.pass.toFixed(2)} s |`);
  }
} finally {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker!.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
  }
  await queue.close().catch(() => undefined);
  await pool.end().catch(() => undefined);
  await fake.stop().catch(() => undefined);
  await obliterateQueues(redisConnection(REDIS_URL), prefix).catch(() => undefined);
  await database.drop().catch(() => undefined);
  if (process.env.BENCH_KEEP_LOG) console.log(`log: ${logFile}`);
  else rmSync(dataDir, { recursive: true, force: true });
}

async function fanOut(name: string, content: (n: number) => OutboxContent) {
  await fake.request('resetReceived');
  const users = await fake.request<string[]>('users', { count: N });
  const { rows: participants } = await pool.query<{ id: string }>(
    `INSERT INTO "Participant" ("id", "lineUserId", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), u, $2::timestamptz, $2::timestamptz FROM unnest($1::text[]) AS u RETURNING "id"::text AS "id"`,
    [users, new Date().toISOString()]);
  const cpuBefore = { worker: cpuSeconds(worker!.pid!), fake: cpuSeconds(fake.pid), postgres: cpuSecondsOf('postgres'), redis: cpuSecondsOf('redis-server') };
  const ticksBefore = machineTicks();
  const written = new Date();
  await createOutboxRows(sqlClient(pool), new Sealer(key), participants.map((p, n) => ({ participantId: p.id, content: content(n), kind: 'broadcast', notBefore: written })), written);
  const committed = Date.now();
  await queue.kick();
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "OutboxMessage" WHERE "status" = 'pending'`);
    if (rows[0]!.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const { rows: [last] } = await pool.query<{ at: Date }>(`SELECT max("sentAt") AS at FROM "OutboxMessage" WHERE "kind" = 'broadcast'`);
  // sentAt is written as UTC without a zone; node-postgres reads it as local time unless TZ=UTC.
  const lastMs = last!.at.getTime() - last!.at.getTimezoneOffset() * 60_000;
  const cpu = {
    worker: cpuSeconds(worker!.pid!) - cpuBefore.worker, fake: cpuSeconds(fake.pid) - cpuBefore.fake,
    postgres: cpuSecondsOf('postgres') - cpuBefore.postgres, redis: cpuSecondsOf('redis-server') - cpuBefore.redis, busy: busyShare(ticksBefore, machineTicks()),
  };
  const received = await fake.request<Received>('received', { expected: 1 });
  const calls = Object.entries(received.statuses).map(([endpoint, count]) => `${endpoint.replace('POST /v2/bot/message/', '')}: ${count}`).join(', ');
  const floor = name === 'identical' ? Math.ceil(N / 500) / LIMITS.multicast : N / LIMITS.push;
  // One pass over the send's rows (a single UPDATE): the least any design that keeps each
  // recipient's state in PostgreSQL spends at least twice (taking the rows, settling them).
  const passStarted = performance.now();
  await pool.query(`UPDATE "OutboxMessage" SET "kind" = 'broadcast-done' WHERE "kind" = 'broadcast'`);
  const pass = (performance.now() - passStarted) / 1000;
  const { first, last: lastCall } = received.sendWindow;
  console.log(`${name}: first call ${((first - committed) / 1000).toFixed(2)} s after the commit, calls over ${((lastCall - first) / 1000).toFixed(2)} s, last row settled ${((lastMs - lastCall) / 1000).toFixed(2)} s after the last call`);
  return { name, pass, calls, wall: (lastMs - committed) / 1000, floor, duplicates: received.duplicates, reached: received.users, rss: peakRssMiB(worker!.pid!), cpu };
}

function run(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exited with ${code}`)))));
}

function started(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      appendFileSync(logFile, `${line}\n`);
      if (line.includes('"msg":"ouen started"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`ouen worker exited with ${code} before it started`)));
  });
}
