/**
 * Runs queued items in batches. Items of one key (a LINE user) run one at a time, in
 * arrival order; a batch holds at most one item per key, at most `maxBatch` items, and
 * at most `concurrency` batches run at once. Under light load a batch is one item and
 * starts at once; under heavy load items wait for a free slot and leave together.
 *
 * A batch may hand an item back with a follow-up ({@link FollowUp}): the items to run in
 * its place, ahead of everything else queued for its key. The rest of the batch finishes
 * at once (its slot and its other keys move on); only that key waits until the follow-up
 * is known, and then goes to the front of the line.
 */
export interface BatchSchedulerOptions {
  maxBatch: number;
  concurrency: number;
  /** Called after a batch or a follow-up finished, with the items still pending. */
  onFinished?: (pending: number) => void;
}

/**
 * An item its batch could not finish: `next` resolves to the items that run in its
 * place, first for its key (none: the item is simply done). A rejected `next` counts as none.
 *
 * @example
 * // the batch held an event back behind its person's older events
 * return [{ item: held, next: catchUpBefore(deps, held) }];
 */
export interface FollowUp<T> {
  item: T;
  next: Promise<T[]>;
}

/** Runs one batch; resolves (with follow-ups, if any) when the batch is done. */
export type BatchRun<T> = (items: T[]) => Promise<Array<FollowUp<T>> | void>;

export class BatchScheduler<T> {
  readonly #queues = new Map<string, T[]>();
  readonly #ready: string[] = [];
  readonly #idle: Array<() => void> = [];
  #running = 0;
  #pending = 0;

  constructor(
    private readonly run: BatchRun<T>,
    private readonly options: BatchSchedulerOptions,
  ) {}

  /** Items accepted and not yet finished (an item waiting for its follow-up included). */
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

  /** Resolves when everything accepted so far has finished, follow-ups included. */
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
        // `run` reports its own failures; the keys must move on regardless.
        .then((followUps) => followUps ?? [], () => [])
        .then((followUps) => this.#finish(keys, items, followUps));
    }
  }

  #finish(keys: string[], items: T[], followUps: Array<FollowUp<T>>): void {
    this.#running -= 1;
    const later = new Map(followUps.map((f) => [f.item, f.next]));
    keys.forEach((key, i) => {
      const next = later.get(items[i]!);
      if (!next) return this.#advance(key, []);
      void next.catch(() => []).then((first) => {
        this.#advance(key, first);
        this.#settled();
      });
    });
    this.#settled();
  }

  /** The key's head item is done; `first` takes its place, ahead of the rest of its queue. */
  #advance(key: string, first: T[]): void {
    const queue = this.#queues.get(key)!;
    queue.splice(0, 1, ...first);
    this.#pending += first.length - 1;
    if (queue.length === 0) this.#queues.delete(key);
    else if (first.length > 0) this.#ready.unshift(key);
    else this.#ready.push(key);
  }

  #settled(): void {
    if (this.#pending === 0) for (const resolve of this.#idle.splice(0)) resolve();
    this.options.onFinished?.(this.#pending);
    this.#pump();
  }
}
