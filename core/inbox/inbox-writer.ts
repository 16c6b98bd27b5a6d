/**
 * Stores accepted webhook events, coalescing requests that arrive while a write is in
 * flight into the next single INSERT (group commit): under load many requests share
 * one round trip and one WAL flush; when idle a request is written at once.
 *
 * One request never fails another: if a shared INSERT fails, each request of it is
 * written again on its own, so only the one whose events cannot be stored fails.
 */
import { channel } from 'node:diagnostics_channel';
import type { Sealer } from '../crypto/sealer.ts';
import type { Queryable } from '../db/sql-pool.ts';
import { acceptEvents, type AcceptedEvent } from './inbox.repository.ts';

/**
 * Where a writer tells, for whoever subscribes (tests, diagnostics), how many requests
 * are waiting for the next INSERT whenever one more joins them: `{ waiting: number }`.
 * Publishing costs nothing while nobody listens.
 */
export const inboxWriterWaiting = channel('ouen:inbox-writer:waiting');

export interface InboxWriterOptions {
  /** INSERTs in flight at once; requests arriving meanwhile wait and share the next one. */
  maxConcurrentWrites?: number;
  /** A shared INSERT failed and its `requests` are being written one by one. */
  onSplit?: (requests: number) => void;
}

interface Waiting {
  events: AcceptedEvent[];
  resolve: (accepted: Set<string>) => void;
  reject: (error: unknown) => void;
}

export class InboxWriter {
  #waiting: Waiting[] = [];
  #writing = 0;
  readonly #maxConcurrentWrites: number;

  constructor(
    private readonly db: Queryable,
    private readonly sealer: Sealer,
    private readonly options: InboxWriterOptions = {},
  ) {
    this.#maxConcurrentWrites = options.maxConcurrentWrites ?? 2;
  }

  /** Resolves with the ids of the events that were new (not seen before). */
  accept(events: AcceptedEvent[]): Promise<Set<string>> {
    if (events.length === 0) return Promise.resolve(new Set());
    return new Promise((resolve, reject) => {
      this.#waiting.push({ events, resolve, reject });
      this.#pump();
      if (this.#waiting.length > 0 && inboxWriterWaiting.hasSubscribers) inboxWriterWaiting.publish({ waiting: this.#waiting.length });
    });
  }

  #pump(): void {
    while (this.#writing < this.#maxConcurrentWrites && this.#waiting.length > 0) {
      const batch = this.#waiting;
      this.#waiting = [];
      this.#writing += 1;
      acceptEvents(this.db, this.sealer, batch.flatMap((w) => w.events))
        .then((accepted) => {
          for (const w of batch) w.resolve(new Set(w.events.map((e) => e.webhookEventId).filter((id) => accepted.has(id))));
        }, async (error: unknown) => {
          if (batch.length === 1) return batch[0]!.reject(error);
          this.options.onSplit?.(batch.length);
          for (const w of batch) await acceptEvents(this.db, this.sealer, w.events).then(w.resolve, w.reject);
        })
        .finally(() => {
          this.#writing -= 1;
          this.#pump();
        });
    }
  }
}
