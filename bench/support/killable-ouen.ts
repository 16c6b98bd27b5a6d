/**
 * ouen in a child process that can be killed with SIGKILL and started again exactly as
 * an operator's supervisor would: the same port, database, Redis queue prefix, key and
 * LINE channel. Beside it the fake LINE platform (bench/run-fake-line.ts), which issues
 * the reply tokens and reports every answer the bot delivered.
 */
import { SERVER_NODE_FLAGS } from '../../scripts/node-flags.mjs';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { obliterateQueues } from '../../runtime/queues.ts';
import { createBenchDatabase } from './bench-database.ts';
import { bundle } from './bundle.ts';
import { forkChild, type Child } from './ipc.ts';
import { WebhookPoster, type Ack } from './webhook-poster.ts';
import { freePort } from '../../core/free-port.ts';

const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';

export interface KillableOuen {
  fake: Child;
  botUserId: string;
  /** Posts a signed webhook body to ouen (whichever process is running). */
  post(raw: string): Promise<Ack>;
  /** SIGKILL, then the same ouen started again; resolves when it is ready. */
  killAndRestart(): Promise<void>;
  /** Resolves when no inbox event and no outbox row is pending any more. */
  settled(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function killableOuen(options: { logFile: string }): Promise<KillableOuen> {
  const token = randomBytes(24).toString('base64url');
  const dataDir = mkdtempSync(join(tmpdir(), 'ouen-bench-'));
  const prefix = `ouen-bench-${randomBytes(4).toString('hex')}`;
  const database = await createBenchDatabase();
  const fake = forkChild(fileURLToPath(new URL('../run-fake-line.ts', import.meta.url)), {
    env: { LINE_CHANNEL_ACCESS_TOKEN: token, NODE_ENV: 'production' }, logFile: options.logFile,
  });
  const port = await freePort();
  const secret = randomBytes(16).toString('hex');
  const encryptionKey = randomBytes(32).toString('base64');
  let sut: Child | undefined;
  const poster = new WebhookPoster(`http://127.0.0.1:${port}/webhooks/line`, secret);
  const stop = async () => {
    poster.close();
    for (const step of [() => sut?.stop(), () => fake.stop(), () => obliterateQueue(prefix), () => database.drop()]) {
      await Promise.resolve().then(step).catch(() => undefined);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const { port: fakePort, botUserId } = await fake.ready;
    const fakeUrl = `http://127.0.0.1:${fakePort}`;
    const script = await bundle('bench/run-ouen.ts');
    const start = async () => {
      sut = forkChild(script, {
        env: {
          PORT: String(port), DATABASE_URL: database.url, REDIS_URL, LINE_CHANNEL_SECRET: secret, LINE_CHANNEL_ACCESS_TOKEN: token,
          LINE_API_BASE_URL: fakeUrl, LINE_DATA_API_BASE_URL: fakeUrl, OUEN_ENCRYPTION_KEY: encryptionKey, OUEN_DATA_DIR: dataDir,
          OUEN_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info', NODE_ENV: 'production',
        },
        nodeFlags: SERVER_NODE_FLAGS,
        logFile: options.logFile,
      });
      await sut.ready;
    };
    await start();
    return {
      fake,
      botUserId: botUserId!,
      post: (raw) => poster.post(raw),
      killAndRestart: async () => {
        sut!.kill();
        await start();
      },
      settled: (timeoutMs) => waitUntilSettled(database.url, timeoutMs),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitUntilSettled(url: string, timeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ n: string }>(`
        SELECT (SELECT count(*) FROM "InboxEvent" WHERE "status" = 'pending') + (SELECT count(*) FROM "OutboxMessage" WHERE "status" = 'pending') AS n`);
      if (Number(rows[0]!.n) === 0) return;
      if (performance.now() > deadline) throw new Error(`${rows[0]!.n} inbox events or outbox rows still pending after ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await client.end();
  }
}


async function obliterateQueue(prefix: string): Promise<void> {
  await obliterateQueues(redisConnection(REDIS_URL), prefix).catch(() => undefined);
}
