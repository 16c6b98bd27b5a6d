/**
 * The processing thread: runs conversation turns for the events the web thread accepted
 * (see turn-work.ts), so that
 * acknowledging LINE never waits behind a turn or a garbage collection of the turns'
 * heap, and so that turns and acks use two cores.
 *
 * It owns its own database pool, LINE client and queue connection; it gets events and
 * requests from the web thread over the message port and reports its backlog, its
 * metrics and its log lines back (see thread-protocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Sealer } from '../core/crypto/sealer.ts';
import { createRelayLogger } from '../core/logger.ts';
import { createMetrics } from '../core/metrics.ts';
import { LineApi, singleChannel } from '../channels/line/line-api.ts';
import { startTurnWork } from './turn-work.ts';
import type { FromThread, ProcessingThreadData, ToThread } from './thread-protocol.ts';

const port = parentPort;
if (!port) throw new Error('processing-thread.ts runs as a worker thread (see threaded-processor.ts)');
const post = (message: FromThread) => port.postMessage(message);

const data = workerData as ProcessingThreadData;
const logger = createRelayLogger(data.logLevel, (line) => post({ kind: 'log', line }));
const metrics = createMetrics({ defaults: false });
const sealer = new Sealer(Buffer.from(data.masterKey));
let seq = 0;
// Resolves after the replay of pending events, so 'ready' comes after it.
const work = await startTurnWork({
  connectionString: data.connectionString, poolSize: data.poolSize, redisUrl: data.redisUrl, queuePrefix: data.queuePrefix,
  sealer, program: data.program, line: singleChannel(new LineApi(data.lineApi)), logger, metrics, clock: () => new Date(),
  concurrency: data.concurrency, handoffAvailable: data.handoffAvailable, publicUrl: data.publicUrl,
  onBacklog: (size) => post({ kind: 'backlog', size, seq }),
});
const { processor } = work;

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
  await work.close();
  post({ kind: 'closed', id });
  port!.close();
}

post({ kind: 'ready' });
