/**
 * The delivery side on its own, for worker tests: a fresh PostgreSQL database, a BullMQ
 * outbox queue on real Redis under a prefix of its own, the real outbox worker, and the
 * fake LINE platform (bot/console/fake-line-api.ts) on a port of its own, reached through
 * the real LINE client. Failures are injected with `line.failNextPushes(…)`.
 *
 * @example
 * const f = await startWorkerFixture();
 * const { participantId } = await f.lineParticipant();
 * f.line.failNextPushes({ status: 500 });
 * await f.close();
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { createFakeLineApi, type FakeLineStore, type RecordedApiRequest } from '../../bot/console/fake-line-api.ts';
import { LineApi, singleChannel, type LineChannels } from '../../channels/line/line-api.ts';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlClient, transactOn } from '../../core/db/pg-transaction.ts';
import type { SqlClient } from '../../core/db/types.ts';
import { createLogger } from '../../core/logger.ts';
import { createMetrics, type Metrics } from '../../core/metrics.ts';
import { OUTBOX_QUEUE, OUTBOX_SEND_QUEUE, OutboxQueue } from '../../runtime/outbox-queue.ts';
import { obliterateQueues } from '../../runtime/queues.ts';
import { startOutboxWorker, type RunningWorker } from '../../worker/outbox-worker.ts';
import type { RateLimits } from '../../worker/rate-limiter.ts';
import type { DiscordDmSender } from '../../channels/discord/dm-push.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface WorkerFixture {
  db: TestDatabase;
  /** `db` as the server's SQL sees it. */
  sql: SqlClient;
  sealer: Sealer;
  /** The fake LINE platform's state: users, chats, recorded requests, push faults. */
  line: FakeLineStore;
  /** LINE as ouen reaches it (the real client, pointed at the fake). */
  channels: LineChannels;
  metrics: Metrics;
  queue: OutboxQueue;
  worker: RunningWorker;
  /**
   * Stops the worker and starts another, as a process restart would; `wipeRedis` first
   * empties the queues (a Redis wipe). `worker` is the new one afterwards.
   */
  restartWorker(options?: { wipeRedis?: boolean }): Promise<void>;
  /** A user on the fake platform and their participant row (marked unreachable: they blocked the account). */
  lineParticipant(options?: { unreachable?: boolean }): Promise<{ participantId: string; lineUserId: string }>;
  /** The multicasts LINE received, in order. */
  multicasts(): Array<{ retryKey: string | undefined; status: number; to: string[]; request: RecordedApiRequest }>;
  /** The pushes LINE received, in order, with their retry keys and how they were answered. */
  pushes(): Array<{ retryKey: string | undefined; status: number; to: string; request: RecordedApiRequest }>;
  close(): Promise<void>;
}

export interface WorkerFixtureOptions {
  /** The worker's clock (the fake platform keeps real time). */
  clock?: () => Date;
  dispatchEveryMs?: number;
  rateLimits?: RateLimits;
  discord?: DiscordDmSender;
}

export async function startWorkerFixture(options: WorkerFixtureOptions = {}): Promise<WorkerFixture> {
  const db = await createTestDatabase();
  const token = randomBytes(24).toString('base64url');
  const fake = createFakeLineApi({ channelAccessToken: token });
  const server = await new Promise<Server>((resolve) => {
    const s = express().use(fake.router).listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const channels = singleChannel(new LineApi({ channelAccessToken: token, apiBaseUrl: base, dataApiBaseUrl: base }));
  const sealer = new Sealer(randomBytes(32));
  const prefix = `ouen-test-${randomBytes(4).toString('hex')}`;
  const connection = redisConnection('redis://127.0.0.1:6379');
  const queue = new OutboxQueue(connection, prefix);
  const metrics = createMetrics({ defaults: false });
  const sql = sqlClient(db.sql);
  const workerOptions = {
    db: sql, transact: transactOn(db.sql), sealer, logger: createLogger('silent'), metrics, connection, prefix, queue, line: channels,
    dispatchEveryMs: options.dispatchEveryMs ?? 60_000, ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    ...(options.discord ? { discord: options.discord } : {}), ...(options.clock ? { clock: options.clock } : {}),
  };
  let worker = startOutboxWorker(workerOptions);
  const line = fake.store;
  const fixture: WorkerFixture = {
    db, sql, sealer, line, channels, metrics, queue, worker,
    restartWorker: async ({ wipeRedis = false } = {}) => {
      await worker.close();
      if (wipeRedis) await obliterateQueues(connection, prefix, [OUTBOX_QUEUE, OUTBOX_SEND_QUEUE]);
      worker = startOutboxWorker(workerOptions);
      fixture.worker = worker;
    },
    lineParticipant: async ({ unreachable = false } = {}) => {
      const { userId } = line.createUser({ displayName: 'テスト', language: 'ja' });
      const participant = await db.prisma.participant.create({ data: { lineUserId: userId, unreachableAt: unreachable ? new Date() : null } });
      return { participantId: participant.id, lineUserId: userId };
    },
    pushes: () => line.requests.filter((r) => r.path === '/v2/bot/message/push').map((request) => ({
      retryKey: request.headers['x-line-retry-key'], status: request.status, to: (request.body as { to?: string } | undefined)?.to ?? '', request,
    })),
    multicasts: () => line.requests.filter((r) => r.path === '/v2/bot/message/multicast').map((request) => ({
      retryKey: request.headers['x-line-retry-key'], status: request.status, to: (request.body as { to?: string[] } | undefined)?.to ?? [], request,
    })),
    close: async () => {
      await fixture.worker.close();
      await queue.close();
      await obliterateQueues(connection, prefix, [OUTBOX_QUEUE, OUTBOX_SEND_QUEUE]);
      await new Promise((resolve) => server.close(resolve));
      await db.drop();
    },
  };
  return fixture;
}
