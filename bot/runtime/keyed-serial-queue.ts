/**
 * Runs tasks one at a time per key (a user's events stay in order) and at most
 * `concurrency` at a time overall (the database pool is finite).
 */
export class KeyedSerialQueue {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #waiting: Array<() => void> = [];
  #running = 0;
  #pending = 0;

  constructor(private readonly concurrency: number) {}

  /** Tasks accepted and not yet finished. */
  get size(): number {
    return this.#pending;
  }

  run(key: string, task: () => Promise<void>): Promise<void> {
    this.#pending += 1;
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#withSlot(task)).finally(() => {
      this.#pending -= 1;
      if (this.#tails.get(key) === next) this.#tails.delete(key);
    });
    this.#tails.set(key, next);
    return next;
  }

  /** Resolves when everything accepted so far has finished. */
  async drain(): Promise<void> {
    while (this.#tails.size > 0) await Promise.allSettled([...this.#tails.values()]);
  }

  async #withSlot(task: () => Promise<void>): Promise<void> {
    if (this.#running >= this.concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running += 1;
    try {
      await task();
    } catch {
      // Tasks report their own failures; a failure must not stall the key's later tasks.
    } finally {
      this.#running -= 1;
      this.#waiting.shift()?.();
    }
  }
}
