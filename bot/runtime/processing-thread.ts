/**
 * The processing thread: runs conversation turns for the events the web thread accepted
 * (and, with the worker role, delivers outbox rows),
 * so that acknowledging LINE never waits behind a turn, a garbage collection of the
 * turns' heap, or the Prisma client, and so that turns and acks use two cores.
 *
 * It owns its own database pool (node-postgres: Prisma's client is not loaded here, see
 * pg-transaction.ts), LINE client and queue connection; it gets events and
 * requests from the web thread over the message port and reports its backlog, its
 * metrics and its log lines back (see thread-protocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { sqlDb, transactOn } from '../../core/db/pg-transaction.ts';
import { createSqlPool } from '../../core/db/sql-pool.ts';
import { createRelayLogger } from '../../core/logger.ts';
import { createMetrics } from '../../core/metrics.ts';
import { OutboxQueue } from '../../worker/outbox-queue.ts';
import { startOutboxWorker } from '../../worker/outbox-worker.ts';
import { LineApi, singleChannel } from '../line/line-api.ts';
import { LineEventProcessor } from '../line/line-event-processor.ts';
import { redisConnection } from '../redis-connection.ts';
import { startReplay } from './replay-pending.ts';
import type { FromThread, ProcessingThreadData, ToThread } from './thread-protocol.ts';

const port = parentPort;
if (!port) throw new Error('processing-thread.ts runs as a worker thread (see threaded-processor.ts)');
const post = (message: FromThread) => port.postMessage(message);

const data = workerData as ProcessingThreadData;
const logger = createRelayLogger(data.logLevel, (line) => post({ kind: 'log', line }));
const metrics = createMetrics({ defaults: false });
const sealer = new Sealer(Buffer.from(data.masterKey));
const sql = createSqlPool(data.connectionString, data.poolSize);
const db = sqlDb(sql);
const connection = redisConnection(data.redisUrl);
const outbox = new OutboxQueue(connection, data.queuePrefix);
const line = singleChannel(new LineApi(data.lineApi));
const clock = () => new Date();
await syncContest(transactOn(sql), data.program, clock());

let seq = 0;
const processor = new LineEventProcessor({
  sql, sealer, program: data.program, line, outbox, logger, metrics, clock, concurrency: data.concurrency,
  onBacklog: (size) => post({ kind: 'backlog', size, seq }),
});
// Before 'ready': what a dead thread left runs before anything newer.
const stopReplay = await startReplay({ db, sealer, dispatch: (events) => processor.dispatch(events), clock, logger });
const outboxWorker = data.outboxWorker
  ? startOutboxWorker({ db, sealer, line, logger, metrics, clock, connection, prefix: data.queuePrefix, queue: outbox })
  : undefined;
void outboxWorker?.sweep().catch(() => undefined);

port.on('message', (message: ToThread) => {
  switch (message.kind) {
    case 'dispatch':
      seq = message.seq;
      processor.dispatch(message.events);
      return;
    case 'drain':
      void processor.drain().then(() => post({ kind: 'drained', id: message.id }));
      return;
    case 'metrics':
      void metrics.registry.getMetricsAsJSON().then((json) => post({ kind: 'metrics', id: message.id, metrics: json }));
      return;
    case 'close':
      void close(message.id);
      return;
  }
});

async function close(id: number): Promise<void> {
  await outboxWorker?.close().catch(() => undefined);
  await stopReplay();
  await processor.drain();
  await outbox.close().catch(() => undefined);
  await sql.end().catch(() => undefined);
  post({ kind: 'closed', id });
  port!.close();
}

post({ kind: 'ready' });
