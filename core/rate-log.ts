/**
 * Counts something that can happen thousands of times a second (a request shed under
 * overload) and reports it as a rate: one call of `report` per interval with the count,
 * instead of one log line per occurrence. Nothing is reported while nothing happens.
 *
 * @example
 * const shedding = new RateLog(10_000, (count, ms) => logger.warn({ count, intervalMs: ms }, 'webhook shedding load'));
 * shedding.add();
 */
export class RateLog {
  #count = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly report: (count: number, intervalMs: number) => void,
  ) {}

  add(): void {
    this.#count += 1;
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.flush(), this.intervalMs);
    this.#timer.unref();
  }

  /** Reports what was counted since the last report, if anything. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#count === 0) return;
    const count = this.#count;
    this.#count = 0;
    this.report(count, this.intervalMs);
  }
}
