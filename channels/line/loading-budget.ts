/**
 * A per-second allowance for the loading indicator. The indicator is cosmetic and LINE
 * limits `chat/loading/start` to 100 requests per second per channel, so under load
 * ouen shows it to as many people as the allowance permits and skips the rest rather
 * than spend the channel's rate limit (and its own CPU) on it.
 */
export class LoadingBudget {
  #windowStart = 0;
  #used = 0;

  constructor(private readonly perSecond = 50, private readonly now: () => number = Date.now) {}

  take(): boolean {
    const now = this.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#used = 0;
    }
    if (this.#used >= this.perSecond) return false;
    this.#used += 1;
    return true;
  }
}
