/**
 * Settling a pending answer with the reply token it still carries: used by the worker
 * before it pushes a row, and by the web side at start for what a stopped process may
 * have replied without recording it (settle-unconfirmed-replies.ts).
 */
import type { messagingApi } from '@line/bot-sdk';
import type { SqlClient } from '../core/db/types.ts';
import type { Metrics } from '../core/metrics.ts';
import { recordOutboxAttempt, settleOutbox, type OutboxDelivery } from '../core/outbox/outbox.repository.ts';
import type { LineChannels } from '../channels/line/line-api.ts';
import { isYoungReplyToken, replyOrUsed } from '../channels/line/reply-token.ts';
import { classifyDeliveryFailure, failureStatusLine, rateLimited } from './delivery-failure.ts';

export interface SettleByReplyDeps {
  db: SqlClient;
  line: LineChannels;
  metrics: Metrics;
  clock?: () => Date;
}

/**
 * Settles a pending row with a reply, when it still carries a reply token young enough
 * (see reply-token.ts), and marks it sent: `replied` when the reply went out now,
 * `replied-before` when LINE refused the token as used (the answer went out before;
 * counted as `ouen_replies_total{result="used-before"}`, whose rate shows how often that
 * happens). Null when there is no young token or LINE refused the reply otherwise (the row
 * is then pushed). A transient failure is thrown: tried again, as a reply while the token
 * is young; a rate limit as a {@link RateLimitedError}. `messages` are the row rendered for
 * LINE (only a LINE row carries a reply token).
 */
export async function settledByReply(
  deps: SettleByReplyDeps, outboxId: string, row: Pick<OutboxDelivery, 'lineUserId' | 'replyToken' | 'replyTokenAt'>, messages: unknown[],
): Promise<'replied' | 'replied-before' | null> {
  const clock = deps.clock ?? (() => new Date());
  if (!row.lineUserId || !row.replyToken || !row.replyTokenAt || !isYoungReplyToken(row.replyTokenAt, clock())) return null;
  let result: 'replied' | 'replied-before';
  try {
    result = await replyOrUsed(deps.line.forUser(row.lineUserId), row.replyToken, row.replyTokenAt, clock(), messages as messagingApi.Message[], deps.metrics);
  } catch (error) {
    const outcome = classifyDeliveryFailure(error);
    if (outcome !== 'transient' && outcome !== 'rate-limited') return null;
    deps.metrics.deliveries.inc({ result: outcome });
    // A reply carries no retry key, so LINE cannot have accepted the row's key: it counts as refused.
    await recordOutboxAttempt(deps.db, outboxId, { error: failureStatusLine(error, 'LINE reply'), refused: true });
    throw outcome === 'rate-limited' ? rateLimited(error) : error;
  }
  deps.metrics.deliveries.inc({ result });
  await settleOutbox(deps.db, outboxId, 'sent', clock());
  return result;
}
