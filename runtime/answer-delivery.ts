/**
 * Reply first: a turn's answer goes out with the event's reply token (free) right after
 * commit, and its outbox row is marked sent (batched, sent-batcher.ts). A failed reply
 * makes the row due for the worker, which replies again while the token is young, else
 * pushes (worker/outbox.processor.ts).
 *
 * LINE refusing a token still too young to have expired (reply-token.ts) means it was
 * used: by this answer, through a process that took the row over after a restart
 * (runtime/settle-unconfirmed-replies.ts). The row is then marked sent too, and counted as
 * `ouen_replies_total{result="used-before"}`: that happens after restarts; a steady
 * rate of it otherwise means something else spends the tokens.
 */
import type { messagingApi } from '@line/bot-sdk';
import type { SqlClient } from '../core/db/types.ts';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { makeOutboxDue, markOutboxSent } from '../core/outbox/outbox.repository.ts';
import type { OutboxQueue } from './outbox-queue.ts';
import type { LineChannels } from '../channels/line/line-api.ts';
import { replyOrUsed } from '../channels/line/reply-token.ts';
import { SentBatcher } from '../channels/line/sent-batcher.ts';

export interface AnswerDeliveryDeps {
  db: SqlClient;
  line: LineChannels;
  outbox: OutboxQueue;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
}

/** The event's reply token, and the moment its age counts from (`replyTokenAt` in reply-token.ts). */
export interface ReplyWith {
  token: string;
  at: Date;
}

/**
 * One per event processor: delivers each committed answer, reply first.
 *
 * @example
 * await answers.deliver(userId, result.outboxId, request.reply, result.rendered);
 * await answers.flush(); // on drain
 */
export class AnswerDelivery {
  readonly #sent: SentBatcher;

  constructor(private readonly deps: AnswerDeliveryDeps) {
    this.#sent = new SentBatcher((ids) => markOutboxSent(deps.db, ids, deps.clock()), (error) =>
      deps.logger.error({ err: errorFields(error) }, 'marking replies as sent failed; the sweeper will push them'));
  }

  /** Replies with the token if there is one; otherwise, or if the reply fails, hands the row to the worker. */
  async deliver(userId: string, outboxId: string, reply: ReplyWith | undefined, messages: messagingApi.Message[]): Promise<void> {
    if (reply && await this.#replied(userId, outboxId, reply, messages)) {
      this.#sent.add(outboxId);
      return;
    }
    await makeOutboxDue(this.deps.db, outboxId, this.deps.clock());
    await this.deps.outbox.enqueue([outboxId]).catch((error: unknown) =>
      this.deps.logger.error({ outboxId, err: errorFields(error) }, 'enqueue failed; the sweeper will retry'));
  }

  /** Resolves once every row whose reply went out so far is marked sent. */
  flush(): Promise<void> {
    return this.#sent.flush();
  }

  /** Whether the answer is out: replied now, or (a young token refused) replied before. */
  async #replied(userId: string, outboxId: string, reply: ReplyWith, messages: messagingApi.Message[]): Promise<boolean> {
    const { line, metrics, logger, clock } = this.deps;
    try {
      await replyOrUsed(line.forUser(userId), reply.token, reply.at, clock(), messages, metrics);
      return true;
    } catch (error) {
      logger.warn({ outboxId, err: errorFields(error) }, 'reply failed; the worker delivers it');
      return false;
    }
  }
}
