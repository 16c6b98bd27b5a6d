/**
 * The load generator's view of the fake LINE platform process: new users, one reply
 * token per event (batched into one IPC message per event-loop turn), and a promise per
 * user that settles when the bot's next message to that user arrives.
 */
import type { Delivery, DeliveryKind } from './delivery.ts';
import type { Child } from './ipc.ts';

/** LINE's reply token lives a minute; a turn slower than this is counted as lost. */
const DELIVERY_TIMEOUT_MS = 60_000;
const SPARE_USERS = 200;

export interface Delivered {
  kind: DeliveryKind | 'timeout';
  via: 'reply' | 'push' | 'none';
  at: number;
}

export class LinePlatform {
  readonly #waiting = new Map<string, (delivered: Delivered) => void>();
  #tokenQueue: Array<{ userId: string; resolve(token: string): void; reject(error: Error): void }> = [];
  #spareUsers: string[] = [];
  #refilling: Promise<void> | null = null;
  /** Messages that arrived for a user nobody was waiting for (late, or a second message). */
  unexpected = 0;

  constructor(private readonly fake: Child) {
    fake.on<Delivery[]>('delivered', (batch) => {
      const at = performance.now();
      for (const [userId, via, kind] of batch) {
        const resolve = this.#waiting.get(userId);
        if (!resolve) {
          this.unexpected += 1;
          continue;
        }
        this.#waiting.delete(userId);
        resolve({ kind, via, at });
      }
    });
  }

  async newUser(): Promise<string> {
    if (this.#spareUsers.length === 0) await this.#refill();
    else if (this.#spareUsers.length < SPARE_USERS / 2) this.#refill().catch(() => undefined);
    return this.#spareUsers.pop() ?? this.newUser();
  }

  token(userId: string): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.#tokenQueue.length === 0) setImmediate(() => this.#issueTokens());
      this.#tokenQueue.push({ userId, resolve, reject });
    });
  }

  /** Call before sending: the bot may answer before the webhook request returns. */
  expect(userId: string): { delivered: Promise<Delivered>; cancel(): void } {
    let timer: NodeJS.Timeout | undefined;
    const delivered = new Promise<Delivered>((resolve) => {
      this.#waiting.set(userId, resolve);
      timer = setTimeout(() => {
        this.#waiting.delete(userId);
        resolve({ kind: 'timeout', via: 'none', at: performance.now() });
      }, DELIVERY_TIMEOUT_MS);
    }).finally(() => clearTimeout(timer));
    return {
      delivered,
      cancel: () => {
        clearTimeout(timer);
        this.#waiting.delete(userId);
      },
    };
  }

  #refill(): Promise<void> {
    this.#refilling ??= this.fake.request<string[]>('users', { count: SPARE_USERS }).then((ids) => {
      this.#spareUsers.push(...ids);
    }).finally(() => {
      this.#refilling = null;
    });
    return this.#refilling;
  }

  #issueTokens(): void {
    const queue = this.#tokenQueue;
    this.#tokenQueue = [];
    this.fake.request<string[]>('tokens', { userIds: queue.map((q) => q.userId) }).then(
      (tokens) => queue.forEach((q, i) => q.resolve(tokens[i]!)),
      (error: Error) => queue.forEach((q) => q.reject(error)),
    );
  }
}
