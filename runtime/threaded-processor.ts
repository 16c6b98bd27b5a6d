/**
 * The web thread's handle on the processing thread (processing-thread.ts): hands it the
 * accepted events, knows its backlog for load shedding, drains it, collects its metrics,
 * and relays its log lines. If the thread dies it is started again: what is sent meanwhile
 * waits for the new thread, and the events the old one held are still pending in the
 * inbox, where the new thread's replay finds them.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { errorFields } from '../core/error-fields.ts';
import { relayLogLine, type Logger } from '../core/logger.ts';
import type { EventProcessor } from './line-event-processor.ts';
import type { LineEvent } from '../channels/line/webhook.schema.ts';
import type { FromThread, ProcessingThreadData, ToThread } from './thread-protocol.ts';

export interface ThreadedProcessorOptions {
  data: ProcessingThreadData;
  logger: Logger;
  /** Heap limits of the processing thread's own V8 isolate. */
  resourceLimits?: ResourceLimits;
  /** JavaScript to run as the thread instead of processing-thread.ts: tests of the protocol and of restarts. */
  threadScript?: string;
}

type Reply = Extract<FromThread, { id: number }>;

/** The first restart waits a second; each failed start doubles the wait, up to half a minute. */
const RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;
const CLOSE_TIMEOUT_MS = 20_000;

/**
 * Bundled, the thread's entry beside the main one (dist/processing-thread.mjs; this code
 * may sit in dist/chunks/); from source (tests, the tsx fallback), the TypeScript entry
 * loaded through tsx's API.
 */
function threadEntry(): [URL | string, { eval?: boolean }] {
  if (!import.meta.url.endsWith('.ts')) {
    const here = new URL('.', import.meta.url);
    const bundleDir = here.pathname.endsWith('/chunks/') ? new URL('..', here) : here;
    return [new URL('processing-thread.mjs', bundleDir), {}];
  }
  const source = new URL('./processing-thread.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`;
  return [boot, { eval: true }];
}

export class ThreadedProcessor implements EventProcessor {
  #worker!: Worker;
  #ready!: Promise<void>;
  #seq = 0;
  #reported = { size: 0, seq: 0 };
  /** Dispatches the thread has not counted in a backlog report yet. */
  #uncounted: Array<{ seq: number; count: number }> = [];
  readonly #waiting = new Map<number, (reply: Reply | null) => void>();
  #nextId = 1;
  #closing = false;
  #running = false;
  #restartDelayMs = RESTART_DELAY_MS;
  /** Messages for a thread that is not ready yet (starting again after a failure). */
  #waitingForThread: ToThread[] | null = [];

  private constructor(private readonly options: ThreadedProcessorOptions) {
    this.#spawn();
  }

  /** Starts the thread and resolves once it is ready to take events. */
  static async start(options: ThreadedProcessorOptions): Promise<ThreadedProcessor> {
    const processor = new ThreadedProcessor(options);
    try {
      await processor.#ready;
    } catch (error) {
      // Not started: no restarts either.
      processor.#closing = true;
      await processor.#worker.terminate();
      throw error;
    }
    return processor;
  }

  get backlog(): number {
    return this.#reported.size + this.#uncounted.reduce((sum, d) => sum + d.count, 0);
  }

  dispatch(events: LineEvent[]): void {
    if (events.length === 0) return;
    const seq = ++this.#seq;
    this.#uncounted.push({ seq, count: events.length });
    this.#send({ kind: 'dispatch', seq, events });
  }

  async drain(): Promise<void> {
    await this.#ask('drain');
  }

  /** The thread's metrics as prom-client JSON, for aggregation with the web thread's. */
  async metrics(): Promise<unknown[]> {
    const reply = await this.#ask('metrics');
    return reply?.kind === 'metrics' ? reply.metrics : [];
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (!this.#running) return; // died, and will not be started again now
    const exited = new Promise((resolve) => this.#worker.once('exit', resolve));
    const timeout = setTimeout(() => void this.#worker.terminate(), CLOSE_TIMEOUT_MS);
    await this.#ask('close');
    await exited;
    clearTimeout(timeout);
  }

  #spawn(): void {
    const [entry, how] = this.options.threadScript === undefined ? threadEntry() : [this.options.threadScript, { eval: true }];
    const worker = new Worker(entry, { ...how, workerData: this.options.data, resourceLimits: this.options.resourceLimits });
    this.#worker = worker;
    this.#running = true;
    this.#waitingForThread ??= [];
    this.#ready = new Promise((resolve, reject) => {
      const failed = (error: Error) => {
        worker.off('message', onMessage);
        reject(error);
      };
      const exitedEarly = (code: number) => failed(new Error(`processing thread exited with ${code} before it was ready`));
      const onMessage = (message: FromThread) => {
        if (message.kind !== 'ready') return;
        worker.off('message', onMessage);
        worker.off('error', failed);
        worker.off('exit', exitedEarly);
        for (const waiting of this.#waitingForThread ?? []) worker.postMessage(waiting);
        this.#waitingForThread = null;
        this.#restartDelayMs = RESTART_DELAY_MS;
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', failed);
      worker.once('exit', exitedEarly);
    });
    // Only the first start is awaited (by `start`); a restart that fails is logged and
    // retried by the exit handler.
    this.#ready.catch(() => undefined);
    worker.on('message', (message: FromThread) => this.#receive(message));
    worker.on('error', (error) => this.options.logger.error({ err: errorFields(error) }, 'processing thread failed'));
    worker.on('exit', (code) => this.#exited(worker, code));
  }

  #receive(message: FromThread): void {
    switch (message.kind) {
      case 'log':
        relayLogLine(this.options.logger, message.line);
        return;
      case 'backlog':
        this.#reported = { size: message.size, seq: message.seq };
        while (this.#uncounted.length > 0 && this.#uncounted[0]!.seq <= message.seq) this.#uncounted.shift();
        return;
      case 'ready':
        return;
      default: {
        const resolve = this.#waiting.get(message.id);
        this.#waiting.delete(message.id);
        resolve?.(message);
      }
    }
  }

  /** Answers everyone still waiting (the thread cannot), then starts a new thread unless closing. */
  #exited(worker: Worker, code: number): void {
    if (worker !== this.#worker) return;
    this.#running = false;
    for (const resolve of this.#waiting.values()) resolve(null);
    this.#waiting.clear();
    // What the thread held is in the inbox, not in its backlog any more.
    this.#reported = { size: 0, seq: this.#seq };
    this.#uncounted = [];
    this.#waitingForThread = [];
    if (this.#closing) return;
    this.options.logger.error({ code }, 'processing thread stopped; starting a new one');
    setTimeout(() => {
      if (!this.#closing) this.#spawn();
    }, this.#restartDelayMs).unref();
    this.#restartDelayMs = Math.min(this.#restartDelayMs * 2, MAX_RESTART_DELAY_MS);
  }

  #ask(kind: 'drain' | 'metrics' | 'close'): Promise<Reply | null> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#send({ kind, id });
    });
  }

  #send(message: ToThread): void {
    if (this.#waitingForThread) this.#waitingForThread.push(message);
    else this.#worker.postMessage(message);
  }
}
