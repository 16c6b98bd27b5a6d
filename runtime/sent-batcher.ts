/**
 * Collects outbox ids whose reply went out and marks them sent in one UPDATE per tick,
 * instead of one round trip per message on the hot path.
 */
export class SentBatcher {
  #ids: string[] = [];
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (ids: string[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly delayMs = 50,
    private readonly maxBatch = 500,
  ) {}

  add(id: string): void {
    this.#ids.push(id);
    if (this.#ids.length >= this.maxBatch) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const ids = this.#ids;
    this.#ids = [];
    if (ids.length > 0) this.#flushing = this.#flushing.then(() => this.write(ids)).catch(this.onError);
    return this.#flushing;
  }
}
