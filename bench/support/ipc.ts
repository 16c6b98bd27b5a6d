/**
 * Request/response and notifications over Node's IPC channel between the load generator
 * and the processes it starts (`child_process.fork`). Messages are plain JSON.
 *
 * @example
 * // child
 * serveRequests({ stats: () => ({ replies: 3 }) });
 * notifyParent('ready', { port: 8080 });
 * // parent
 * const child = forkChild('bench/run-fake-line.ts', {});
 * const { port } = await child.ready;
 * await child.request('stats');
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync } from 'node:fs';

type Envelope =
  | { kind: 'request'; id: number; type: string; payload: unknown }
  | { kind: 'response'; id: number; ok: true; value: unknown }
  | { kind: 'response'; id: number; ok: false; error: string }
  | { kind: 'notice'; type: string; payload: unknown };

type Handler = (payload: never) => unknown;

/** In a child: answers the parent's requests by type. */
export function serveRequests(handlers: Record<string, Handler>): void {
  process.on('message', async (message: Envelope) => {
    if (message.kind !== 'request') return;
    const handler = handlers[message.type];
    try {
      if (!handler) throw new Error(`no handler for ${message.type}`);
      const value = await handler(message.payload as never);
      process.send!({ kind: 'response', id: message.id, ok: true, value } satisfies Envelope);
    } catch (error) {
      process.send!({ kind: 'response', id: message.id, ok: false, error: String(error) } satisfies Envelope);
    }
  });
}

/** In a child: tells the parent something without waiting for an answer. */
export function notifyParent(type: string, payload: unknown): void {
  process.send?.({ kind: 'notice', type, payload } satisfies Envelope);
}

export interface ChildOptions {
  env: Record<string, string>;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** Where the child's stdout and stderr go; the terminal by default. */
  logFile?: string;
}

/** A process started with {@link forkChild}: a .ts script runs through tsx, a bundled .mjs on plain Node. */
export class Child {
  readonly #process: ChildProcess;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  readonly #listeners = new Map<string, Array<(payload: never) => void>>();
  #nextId = 1;
  /** The first `ready` notice's payload. */
  readonly ready: Promise<{ port: number; botUserId?: string }>;

  constructor(script: string, options: ChildOptions) {
    const output = options.logFile ? openSync(options.logFile, 'a') : 'inherit';
    this.#process = fork(script, [], {
      execArgv: [...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), ...(options.nodeFlags ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', output, output, 'ipc'],
    });
    this.#process.on('message', (message: Envelope) => this.#receive(message));
    // A request to a child that has exited fails that request, not the load generator.
    this.#process.on('error', () => undefined);
    this.#process.once('exit', (code, signal) => {
      for (const pending of this.#pending.values()) pending.reject(new Error(`${script} exited (${signal ?? code})`));
      this.#pending.clear();
    });
    this.ready = new Promise((resolve, reject) => {
      this.on('ready', resolve);
      this.#process.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    });
  }

  get pid(): number {
    return this.#process.pid!;
  }

  request<T>(type: string, payload?: unknown): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      if (!this.#process.connected) return reject(new Error(`cannot ask for ${type}: the process has exited`));
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#process.send({ kind: 'request', id, type, payload } satisfies Envelope, (error) => {
        if (!error) return;
        this.#pending.delete(id);
        reject(error);
      });
    });
  }

  on<T>(type: string, listener: (payload: T) => void): void {
    const list = this.#listeners.get(type) ?? [];
    list.push(listener as (payload: never) => void);
    this.#listeners.set(type, list);
  }

  /** Asks for a clean shutdown (`stop`), then SIGKILL if it takes longer than `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.#process.exitCode !== null || this.#process.signalCode !== null) return;
    const exited = once(this.#process, 'exit');
    const timer = setTimeout(() => this.#process.kill('SIGKILL'), timeoutMs);
    this.request('stop').catch(() => undefined);
    await exited;
    clearTimeout(timer);
  }

  /** Ends the process now; for cleanup after a failure. */
  kill(): void {
    if (this.#process.exitCode === null && this.#process.signalCode === null) this.#process.kill('SIGKILL');
  }

  #receive(message: Envelope): void {
    if (message.kind === 'notice') {
      for (const listener of this.#listeners.get(message.type) ?? []) listener(message.payload as never);
      return;
    }
    if (message.kind !== 'response') return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(new Error(message.error));
  }
}

export function forkChild(script: string, options: ChildOptions): Child {
  return new Child(script, options);
}
