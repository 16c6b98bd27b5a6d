/**
 * `npm run bench:kill`: what a SIGKILL under load does to answers. ouen runs as a child
 * process (web + worker, as `ouen start`) on real PostgreSQL and Redis against the fake
 * LINE platform; signed webhooks arrive at a fixed rate from many users (one text event
 * each, so every answer belongs to exactly one event); mid-load ouen is killed with
 * SIGKILL and started again on the same port, database and queue; webhooks that were not
 * acknowledged meanwhile are redelivered, as LINE does. When nothing is pending any more
 * (inbox and outbox settled) the answers each user got are counted: once, twice or more,
 * never. See BENCHMARKS.md.
 *
 * Options: --users N (2000: one event each) --rate N (200 events/s) --kill-after S (5)
 * --runs N (1; the median is reported) --settle-timeout S (240) --json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { callbackBody, textMessageEvent } from '../bot/console/webhook-events.ts';
import { messageId, quoteToken } from '../bot/console/line-ids.ts';
import { round } from './support/latency.ts';
import { killableOuen, type KillableOuen } from './support/killable-ouen.ts';
import type { Delivery } from './support/delivery.ts';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '200' },
    'kill-after': { type: 'string', default: '5' },
    runs: { type: 'string', default: '1' },
    'settle-timeout': { type: 'string', default: '240' },
    json: { type: 'boolean', default: false },
  },
});
const USERS = Number(args.users);
const RATE = Number(args.rate);
const KILL_AFTER_MS = Number(args['kill-after']) * 1000;
const RUNS = Number(args.runs);
const SETTLE_TIMEOUT_MS = Number(args['settle-timeout']) * 1000;
/** LINE redelivers a webhook that was not acknowledged; here after this long. */
const REDELIVERY_DELAY_MS = 500;

const runId = new Date().toISOString().replace(/[:.]/g, '-');
const resultsDir = join(fileURLToPath(new URL('.', import.meta.url)), 'results', `kill-${runId}`);
mkdirSync(resultsDir, { recursive: true });
const log = (line: string) => process.stderr.write(`[bench:kill] ${line}\n`);

interface RunResult {
  events: number;
  answeredOnce: number;
  /** Events answered more than once (each counted once). */
  answeredTwice: number;
  /** Extra answers beyond the first, summed over events. */
  extraAnswers: number;
  neverAnswered: number;
  /** Answers that went out as replies (free) and as pushes (billed). */
  viaReply: number;
  viaPush: number;
  /** Replies LINE refused (the token was used or expired): each one an answer that was not sent twice. */
  repliesRefused: number;
  /** Webhook requests that had to be redelivered because ouen was down. */
  redelivered: number;
  /** SIGKILL → the new process ready to take webhooks. */
  restartMs: number;
  /** SIGKILL → the last event's first answer. */
  allAnsweredAfterKillMs: number;
  /** SIGKILL → inbox and outbox settled. */
  settledAfterKillMs: number;
}

let current: KillableOuen | undefined;
process.once('SIGINT', () => {
  log('interrupted: cleaning up');
  void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
});

try {
  const runs: RunResult[] = [];
  for (let run = 1; run <= RUNS; run++) {
    log(`run ${run} of ${RUNS}: ${USERS} users, ${RATE} events/s, SIGKILL after ${KILL_AFTER_MS / 1000} s`);
    const result = await oneRun(join(resultsDir, `ouen-${run}.log`));
    log(`run ${run}: ${JSON.stringify(result)}`);
    runs.push(result);
  }
  const median = medianOf(runs);
  writeFileSync(join(resultsDir, 'result.json'), `${JSON.stringify({ runId, options: args, runs, median }, null, 2)}\n`);
  if (args.json) console.log(JSON.stringify({ runs, median }, null, 2));
  console.log(`\n${table(runs, median)}\n\nfull result: ${join(resultsDir, 'result.json')}`);
} catch (error) {
  await current?.stop().catch(() => undefined);
  console.error(error);
  process.exitCode = 1;
}

async function oneRun(logFile: string): Promise<RunResult> {
  const ouen = await killableOuen({ logFile });
  current = ouen;
  try {
    const answers = new Map<string, { reply: number; push: number; firstAt: number }>();
    ouen.fake.on<Delivery[]>('delivered', (batch) => {
      for (const [userId, via] of batch) {
        const seen = answers.get(userId) ?? { reply: 0, push: 0, firstAt: performance.now() };
        seen[via] += 1;
        answers.set(userId, seen);
      }
    });
    const users = await ouen.fake.request<string[]>('users', { count: USERS });
    const tokens = await ouen.fake.request<string[]>('tokens', { userIds: users });
    let redelivered = 0;
    let killedAt = 0;
    let readyAgainAt = 0;
    const start = performance.now();
    const killing = sleep(KILL_AFTER_MS).then(async () => {
      killedAt = performance.now();
      log(`SIGKILL after ${users.filter((u) => answers.has(u)).length} answers`);
      await ouen.killAndRestart();
      readyAgainAt = performance.now();
      log(`ouen ready again after ${round(readyAgainAt - killedAt)} ms`);
    });
    const sends: Array<Promise<void>> = [];
    for (let i = 0; i < users.length; i++) {
      await sleep(start + (i / RATE) * 1000 - performance.now());
      const event = textMessageEvent(users[i]!, Date.now(), tokens[i]!, { id: messageId(), text: '応募', quoteToken: quoteToken() });
      sends.push((async () => {
        for (let attempt = 0; ; attempt++) {
          const body = attempt === 0 ? event : { ...event, deliveryContext: { isRedelivery: true } };
          const ack = await ouen.post(JSON.stringify(callbackBody(ouen.botUserId, body as typeof event)));
          if (ack.status === 200) return;
          if (attempt === 0) redelivered += 1;
          await sleep(REDELIVERY_DELAY_MS);
        }
      })());
    }
    await Promise.all(sends);
    await killing;
    log('every webhook acknowledged; waiting until inbox and outbox are settled');
    await ouen.settled(SETTLE_TIMEOUT_MS);
    const settledAt = performance.now();
    // Deliveries reach the load generator a moment after the fake answered them.
    await sleep(1_000);
    const { replyFailed } = await ouen.fake.request<{ replyFailed: number }>('stats');
    const counts = users.map((u) => answers.get(u));
    const total = (c: (typeof counts)[number]) => (c ? c.reply + c.push : 0);
    return {
      events: users.length,
      answeredOnce: counts.filter((c) => total(c) === 1).length,
      answeredTwice: counts.filter((c) => total(c) > 1).length,
      extraAnswers: counts.reduce((sum, c) => sum + Math.max(0, total(c) - 1), 0),
      neverAnswered: counts.filter((c) => total(c) === 0).length,
      viaReply: counts.reduce((sum, c) => sum + (c?.reply ?? 0), 0),
      viaPush: counts.reduce((sum, c) => sum + (c?.push ?? 0), 0),
      repliesRefused: replyFailed,
      redelivered,
      restartMs: round(readyAgainAt - killedAt),
      allAnsweredAfterKillMs: round(Math.max(...counts.map((c) => c?.firstAt ?? Infinity)) - killedAt),
      settledAfterKillMs: round(settledAt - killedAt),
    };
  } finally {
    await ouen.stop();
    current = undefined;
  }
}

function medianOf(runs: RunResult[]): RunResult {
  const keys = Object.keys(runs[0]!) as Array<keyof RunResult>;
  return Object.fromEntries(keys.map((key) => {
    const sorted = runs.map((r) => r[key]).sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return [key, sorted.length % 2 ? sorted[mid]! : round((sorted[mid - 1]! + sorted[mid]!) / 2)];
  })) as unknown as RunResult;
}

function table(runs: RunResult[], median: RunResult): string {
  const rows: Array<[string, keyof RunResult]> = [
    ['events', 'events'], ['answered once', 'answeredOnce'], ['answered twice or more', 'answeredTwice'],
    ['extra answers', 'extraAnswers'], ['never answered', 'neverAnswered'], ['answers by reply', 'viaReply'],
    ['answers by push', 'viaPush'], ['replies refused by LINE', 'repliesRefused'], ['webhooks redelivered', 'redelivered'], ['restart (ms)', 'restartMs'],
    ['kill → all answered (ms)', 'allAnsweredAfterKillMs'], ['kill → settled (ms)', 'settledAfterKillMs'],
  ];
  const header = `| | ${runs.map((_, i) => `run ${i + 1}`).join(' | ')} | median |`;
  const rule = `| --- | ${runs.map(() => '---').join(' | ')} | --- |`;
  return [header, rule, ...rows.map(([label, key]) => `| ${label} | ${runs.map((r) => r[key]).join(' | ')} | ${median[key]} |`)].join('\n');
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
