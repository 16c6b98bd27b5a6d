/**
 * Runs queued items in batches. Items of one key (a LINE user) run one at a time, in
 * arrival order; a batch holds at most one item per key, at most `maxBatch` items, and
 * at most `concurrency` batches run at once. Under light load a batch is one item and
 * starts at once; under heavy load items wait for a free slot and leave together.
 */
export interface BatchSchedulerOptions {
  maxBatch: number;
  concurrency: number;
  /** Called after a batch finished, with the items still pending. */
  onFinished?: (pending: number) => void;
}

export class BatchScheduler<T> {
  readonly #queues = new Map<string, T[]>();
  readonly #ready: string[] = [];
  readonly #idle: Array<() => void> = [];
  #running = 0;
  #pending = 0;

  constructor(
    private readonly run: (items: T[]) => Promise<void>,
    private readonly options: BatchSchedulerOptions,
  ) {}

  /** Items accepted and not yet finished. */
  get size(): number {
    return this.#pending;
  }

  add(key: string, item: T): void {
    this.#pending += 1;
    const queue = this.#queues.get(key);
    if (queue) {
      queue.push(item);
      return;
    }
    this.#queues.set(key, [item]);
    this.#ready.push(key);
    this.#pump();
  }

  /** Resolves when everything accepted so far has finished. */
  drain(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#running < this.options.concurrency && this.#ready.length > 0) {
      const keys = this.#ready.splice(0, this.options.maxBatch);
      const items = keys.map((key) => this.#queues.get(key)![0]!);
      this.#running += 1;
      this.run(items)
        .catch(() => undefined) // `run` reports its own failures; the keys must move on regardless.
        .finally(() => this.#finish(keys));
    }
  }

  #finish(keys: string[]): void {
    this.#running -= 1;
    for (const key of keys) {
      const queue = this.#queues.get(key)!;
      queue.shift();
      this.#pending -= 1;
      if (queue.length > 0) this.#ready.push(key);
      else this.#queues.delete(key);
    }
    if (this.#pending === 0) for (const resolve of this.#idle.splice(0)) resolve();
    this.options.onFinished?.(this.#pending);
    this.#pump();
  }
}
