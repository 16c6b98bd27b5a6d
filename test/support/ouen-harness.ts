/**
 * The whole system for integration tests: ouen on a fresh PostgreSQL database and real
 * Redis (a queue prefix of its own), talking to a fake LINE platform on another port
 * exactly as it would to LINE (the "real credentials" path), and signed webhooks in.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { startOuen, type RunningOuen } from '../../cli/start-ouen.ts';
import { obliterateQueues } from '../../runtime/queues.ts';
import { createFakeLineApi, type FakeLineStore } from '../../bot/console/fake-line-api.ts';
import { parseEnv } from '../../core/env.ts';
import { createLogger, type Logger } from '../../core/logger.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { validateLineRequest, validateLineWebhook } from './line-spec.ts';

export interface Harness {
  ouen: RunningOuen;
  line: FakeLineStore;
  db: TestDatabase;
  secret: string;
  /**
   * POSTs a webhook body, signed unless told otherwise. Bodies are checked against
   * LINE's `CallbackRequest` first, so every fixture is one LINE could send; `raw` and
   * `unchecked` are for the malformed ones.
   */
  post(body: unknown, options?: { signature?: string | null; raw?: string; unchecked?: boolean }): Promise<Response>;
  /** Waits until every accepted event has been processed and replies recorded. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  clock?: () => Date;
  worker?: boolean;
  env?: Record<string, string>;
  logger?: Logger;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const token = randomBytes(24).toString('base64url');
  const secret = randomBytes(16).toString('hex');
  const fake = createFakeLineApi({ channelAccessToken: token });
  const fakeApp = express().use(fake.router);
  const fakeServer = await new Promise<Server>((resolve) => {
    const server = fakeApp.listen(0, '127.0.0.1', () => resolve(server));
  });
  const fakeUrl = `http://127.0.0.1:${(fakeServer.address() as { port: number }).port}`;
  const db = await createTestDatabase();
  const env = parseEnv({
    PORT: '0',
    DATABASE_URL: db.connectionString,
    REDIS_URL: 'redis://127.0.0.1:6379',
    LINE_CHANNEL_SECRET: secret,
    LINE_CHANNEL_ACCESS_TOKEN: token,
    LINE_API_BASE_URL: fakeUrl,
    LINE_DATA_API_BASE_URL: fakeUrl,
    OUEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    OUEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'ouen-test-')),
    OUEN_QUEUE_PREFIX: `ouen-test-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const ouen = await startOuen({
    env, web: true, worker: options.worker ?? true, clock: options.clock, logger: options.logger ?? createLogger('silent'),
  });
  const webhookUrl = `http://127.0.0.1:${ouen.port}/webhooks/line`;
  return {
    ouen,
    line: fake.store,
    db,
    secret,
    post: (body, postOptions = {}) => {
      if (postOptions.raw === undefined && !postOptions.unchecked) {
        const verdict = validateLineWebhook(body);
        if (!verdict.ok) throw new Error(`webhook fixture is not a valid CallbackRequest: ${verdict.errors.join('; ')}`);
      }
      const raw = postOptions.raw ?? JSON.stringify(body);
      const signature = postOptions.signature === undefined ? sign(raw, secret) : postOptions.signature;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (signature !== null) headers['x-line-signature'] = signature;
      return fetch(webhookUrl, { method: 'POST', headers, body: raw });
    },
    settle: async () => {
      await ouen.processor!.drain();
    },
    close: async () => {
      await ouen.close();
      const invalid = fake.store.requests
        .map((r) => ({ r, verdict: validateLineRequest(r.method, r.path, r.body) }))
        .filter(({ verdict }) => !verdict.ok);
      await obliterateQueue(env.REDIS_URL, env.OUEN_QUEUE_PREFIX);
      await new Promise((resolve) => fakeServer.close(resolve));
      await db.drop();
      // Every request the bot made must be one LINE's Messaging API accepts.
      if (invalid.length > 0) {
        throw new Error(`requests outside the Messaging API spec:\n${invalid.map(({ r, verdict }) => `${r.method} ${r.path}: ${JSON.stringify(verdict)}`).join('\n')}`);
      }
    },
  };
}

/** Removes what a test's ouen left in Redis under its queue prefix. */
export async function obliterateQueue(redisUrl: string, prefix: string): Promise<void> {
  await obliterateQueues(redisConnection(redisUrl), prefix).catch(() => undefined);
}

export function sign(raw: string, secret: string): string {
  return createHmac('sha256', secret).update(raw).digest('base64');
}

/** Waits for a condition that another process or queue makes true. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
