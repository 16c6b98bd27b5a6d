/**
 * Reply first: a turn's answer goes out as a reply to its event right after commit (on
 * LINE with the reply token, which is free), and its outbox row is marked sent (batched,
 * sent-batcher.ts). A failed reply, or an event that cannot be replied to, makes the row
 * due for the worker, which replies again while a LINE token is young, else pushes
 * (worker/outbox.processor.ts).
 *
 * What a reply means is the channel's (`ChannelAdapter.reply`): on LINE, a refused token
 * still too young to have expired (reply-token.ts) was used, by this answer through a
 * process that took the row over after a restart (runtime/settle-unconfirmed-replies.ts),
 * so the reply counts as done, and as `ouen_replies_total{result="used-before"}`.
 */
import type { SqlClient } from '../core/db/types.ts';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import { makeOutboxDue, markOutboxSent } from '../core/outbox/outbox.repository.ts';
import { SentBatcher } from './sent-batcher.ts';

/** Where a due row goes: a kick to the delivery queue (`OutboxQueue`); the worker's scheduled dispatcher finds it anyway. */
export interface DueOutbox {
  enqueue(outboxIds: string[]): Promise<void>;
}

export interface AnswerDeliveryDeps {
  db: SqlClient;
  outbox: DueOutbox;
  logger: Logger;
  clock: () => Date;
}

/**
 * One per turn pipeline: delivers each committed answer, reply first.
 *
 * @example
 * await answers.deliver(result.outboxId, () => adapter.reply(userId, replyTo, result.rendered));
 * await answers.flush(); // on drain
 */
export class AnswerDelivery {
  readonly #sent: SentBatcher;

  constructor(private readonly deps: AnswerDeliveryDeps) {
    this.#sent = new SentBatcher((ids) => markOutboxSent(deps.db, ids, deps.clock()), (error) =>
      deps.logger.error({ err: errorFields(error) }, 'marking replies as sent failed; the worker will deliver them'));
  }

  /** Replies if the event can be replied to; otherwise, or if the reply fails, hands the row to the worker. */
  async deliver(outboxId: string, reply: (() => Promise<void>) | undefined): Promise<void> {
    if (reply && await this.#replied(outboxId, reply)) {
      this.#sent.add(outboxId);
      return;
    }
    await makeOutboxDue(this.deps.db, outboxId, this.deps.clock());
    await this.handOver([outboxId]);
  }

  /** Hands rows that are due already to the worker; if the queue cannot take them, its sweep finds them. */
  async handOver(outboxIds: string[]): Promise<void> {
    await this.deps.outbox.enqueue(outboxIds).catch((error: unknown) =>
      this.deps.logger.error({ outboxIds, err: errorFields(error) }, 'enqueue failed; the scheduled dispatcher will find them'));
  }

  /** Resolves once every row whose reply went out so far is marked sent. */
  flush(): Promise<void> {
    return this.#sent.flush();
  }

  async #replied(outboxId: string, reply: () => Promise<void>): Promise<boolean> {
    try {
      await reply();
      return true;
    } catch (error) {
      this.deps.logger.warn({ outboxId, err: errorFields(error) }, 'reply failed; the worker delivers it');
      return false;
    }
  }
}
