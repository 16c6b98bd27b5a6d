/**
 * Starts a system under test with its own fake LINE platform, each in its own process:
 * ouen (fresh database, own Redis queue prefix) or the SDK echo bot. What comes back
 * is everything a phase needs to drive it and to measure it.
 */
import { SERVER_NODE_FLAGS } from '../../scripts/node-flags.mjs';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { obliterateQueues } from '../../runtime/queues.ts';
import { createBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { bundle } from './bundle.ts';
import { forkChild, type Child } from './ipc.ts';
import { LinePlatform } from './line-platform.ts';
import { LoadDriver } from './load-driver.ts';
import { WebhookPoster } from './webhook-poster.ts';

const script = (name: string) => fileURLToPath(new URL(`../${name}`, import.meta.url));
/** The systems under test run bundled on plain Node, as `ouen start` runs ouen; helpers run through tsx. */
const bundled = (name: string) => bundle(`bench/${name}`);
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';

export interface RunningSystem {
  name: 'ouen' | 'echo';
  sut: Child;
  fake: Child;
  driver: LoadDriver;
  platform: LinePlatform;
  /** Posts signed webhook bodies to the system under test. */
  poster: WebhookPoster;
  /** Only for ouen: the database, for backend CPU and the final counts. */
  database?: BenchDatabase;
  /** The bot's user id: the `destination` of every webhook body. */
  destination: string;
  /** Latest processing backlog reported by ouen (always 0 for the echo bot). */
  backlog: { current: number; max: number };
  stop(): Promise<void>;
}

type Driving = Pick<RunningSystem, 'driver' | 'platform'> & { poster: WebhookPoster };

export interface SystemOptions {
  logFile: string;
  /** Extra Node flags for the system under test, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  queryStats?: boolean;
  /** A program file instead of the built-in program (OUEN_PROGRAM_FILE); ouen only. */
  programFile?: string;
}

export async function startOuenSystem(options: SystemOptions): Promise<RunningSystem> {
  const secret = randomBytes(16).toString('hex');
  const token = randomBytes(24).toString('base64url');
  const dataDir = mkdtempSync(join(tmpdir(), 'ouen-bench-'));
  const prefix = `ouen-bench-${randomBytes(4).toString('hex')}`;
  const database = await createBenchDatabase();
  const started: Child[] = [];
  const stop = once(() => cleanUp([
    () => Promise.all(started.map((child) => child.stop())),
    () => obliterateQueue(prefix),
    () => database.drop(),
    async () => rmSync(dataDir, { recursive: true, force: true }),
  ]));
  try {
    const { fake, fakeUrl, botUserId } = await startFake(token, options.logFile);
    started.push(fake);
    const sut = forkChild(await bundled('run-ouen.ts'), {
      env: {
        PORT: '0',
        DATABASE_URL: database.url,
        REDIS_URL,
        LINE_CHANNEL_SECRET: secret,
        LINE_CHANNEL_ACCESS_TOKEN: token,
        LINE_API_BASE_URL: fakeUrl,
        LINE_DATA_API_BASE_URL: fakeUrl,
        OUEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        OUEN_DATA_DIR: dataDir,
        OUEN_QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'info',
        NODE_ENV: 'production',
        BENCH_QUERY_STATS: options.queryStats ? '1' : '0',
        ...(options.programFile ? { OUEN_PROGRAM_FILE: options.programFile } : {}),
      },
      // As `npm start` and the `ouen` command run it (scripts/node-flags.mjs).
      nodeFlags: [...SERVER_NODE_FLAGS, ...(options.nodeFlags ?? [])],
      logFile: options.logFile,
    });
    started.push(sut);
    const { port } = await sut.ready;
    const backlog = { current: 0, max: 0 };
    sut.on<{ backlog: number }>('backlog', ({ backlog: value }) => {
      backlog.current = value;
      backlog.max = Math.max(backlog.max, value);
    });
    const driving = drive(fake, `http://127.0.0.1:${port}/webhooks/line`, secret, botUserId);
    return { name: 'ouen', sut, fake, database, backlog, destination: botUserId, ...driving, stop: () => (driving.poster.close(), stop()) };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function startEchoSystem(options: SystemOptions): Promise<RunningSystem> {
  const secret = randomBytes(16).toString('hex');
  const token = randomBytes(24).toString('base64url');
  const started: Child[] = [];
  const stop = once(() => cleanUp([() => Promise.all(started.map((child) => child.stop()))]));
  try {
    const { fake, fakeUrl, botUserId } = await startFake(token, options.logFile);
    started.push(fake);
    const sut = forkChild(await bundled('run-echo-bot.ts'), {
      env: { LINE_CHANNEL_SECRET: secret, LINE_CHANNEL_ACCESS_TOKEN: token, LINE_API_BASE_URL: fakeUrl, NODE_ENV: 'production' },
      // As `npm start` and the `ouen` command run it (scripts/node-flags.mjs).
      nodeFlags: [...SERVER_NODE_FLAGS, ...(options.nodeFlags ?? [])],
      logFile: options.logFile,
    });
    started.push(sut);
    const { port } = await sut.ready;
    const backlog = { current: 0, max: 0 };
    const driving = drive(fake, `http://127.0.0.1:${port}/webhooks/line`, secret, botUserId, true);
    return { name: 'echo', sut, fake, backlog, destination: botUserId, ...driving, stop: () => (driving.poster.close(), stop()) };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startFake(token: string, logFile: string) {
  const fake = forkChild(script('run-fake-line.ts'), { env: { LINE_CHANNEL_ACCESS_TOKEN: token, NODE_ENV: 'production' }, logFile });
  const { port, botUserId } = await fake.ready;
  return { fake, fakeUrl: `http://127.0.0.1:${port}`, botUserId: botUserId! };
}

function drive(fake: Child, webhookUrl: string, secret: string, destination: string, typedOnly = false): Driving {
  const platform = new LinePlatform(fake);
  const poster = new WebhookPoster(webhookUrl, secret);
  return { platform, poster, driver: new LoadDriver(poster, platform, destination, typedOnly) };
}

/** Every step is attempted even if an earlier one fails; the first failure is rethrown. */
async function cleanUp(steps: Array<() => Promise<unknown>>): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) await step().catch((error: unknown) => failures.push(error));
  if (failures.length > 0) throw failures[0];
}

/** The same promise however many times it is called: a failure path and SIGINT may both stop a system. */
function once(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= run());
}

async function obliterateQueue(prefix: string): Promise<void> {
  await obliterateQueues(redisConnection(REDIS_URL), prefix).catch(() => undefined);
}
