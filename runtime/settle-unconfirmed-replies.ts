/**
 * When a process starts, the answers a stopped one may have replied to without recording
 * it (killed between the reply and the write that marks the row sent) are settled at
 * once, before any event is replayed or taken, while their reply tokens are young: a
 * reply with the same token either delivers the answer now (it had not gone out) or is
 * refused as used (it had), and either way the person hears it once. What cannot be
 * settled so (LINE unreachable, a refusal for another reason) is left to the worker.
 *
 * A process that is still running and replies to one of these meanwhile finds its token
 * used and settles the row the same way (runtime/answer-delivery.ts).
 */
import { errorFields } from '../core/error-fields.ts';
import { makeOutboxDue, outboxDelivery, unconfirmedReplies } from '../core/outbox/outbox.repository.ts';
import { REPLY_TOKEN_SURE_MS } from '../channels/line/reply-token.ts';
import type { Sealer } from '../core/crypto/sealer.ts';
import type { Logger } from '../core/logger.ts';
import type { OutboxQueue } from './outbox-queue.ts';
import { renderOutboxRow } from './render-outbox.ts';
import { settledByReply, type SettleByReplyDeps } from './settle-by-reply.ts';

export interface SettleUnconfirmedDeps extends SettleByReplyDeps {
  sealer: Sealer;
  logger: Logger;
  /** Where what cannot be settled here goes: the worker's queue. */
  queue: OutboxQueue;
}

/** Replies in flight at once: a few hundred rows at most, each one call to LINE. */
const PARALLEL = 16;

/**
 * Settles, by reply, every pending answer whose reply token is still too young to have
 * expired (reply-token.ts); hands the rest to the worker (due now, queued). Never throws:
 * what it cannot do is logged and left to the worker's dispatcher (it runs every few seconds). Run once when a processing thread
 * starts, before the replay and before any new event (turn-work.ts).
 *
 * @example
 * await settleUnconfirmedReplies({ db, sealer, line, logger, metrics, clock, queue });
 */
export async function settleUnconfirmedReplies(deps: SettleUnconfirmedDeps): Promise<void> {
  const clock = deps.clock ?? (() => new Date());
  try {
    const ids = await unconfirmedReplies(deps.db, clock(), REPLY_TOKEN_SURE_MS);
    const left: string[] = [];
    const settled = { replied: 0, repliedBefore: 0 };
    for (let i = 0; i < ids.length; i += PARALLEL) {
      await Promise.all(ids.slice(i, i + PARALLEL).map(async (id) => {
        try {
          const result = await settle(deps, id);
          if (result === 'replied') settled.replied += 1;
          else if (result === 'replied-before') settled.repliedBefore += 1;
          // Settled meanwhile by someone else: nothing is left to deliver.
          else if (result !== 'done') left.push(id);
        } catch (error) {
          deps.logger.warn({ outboxId: id, err: errorFields(error) }, 'settling an answer by reply failed; the worker delivers it');
          left.push(id);
        }
      }));
    }
    for (const id of left) await makeOutboxDue(deps.db, id, clock());
    await deps.queue.enqueue(left);
    if (ids.length > 0) deps.logger.info({ ...settled, left: left.length }, 'answers of a stopped process settled by reply');
  } catch (error) {
    deps.logger.error({ err: errorFields(error) }, 'settling unconfirmed replies failed; the worker delivers them');
  }
}

async function settle(deps: SettleUnconfirmedDeps, id: string): Promise<'replied' | 'replied-before' | 'done' | null> {
  const row = await outboxDelivery(deps.db, id);
  if (!row || row.status !== 'pending') return 'done';
  if (row.unreachable) return null;
  return settledByReply(deps, id, row, renderOutboxRow(deps.sealer, row));
}
