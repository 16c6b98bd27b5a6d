/**
 * What LINE's refusal of a reply token tells. A reply token is single use and "must be
 * used within one minute of receiving the webhook"; a reply with a used or expired token
 * is refused (`ReplyTokenRefusedError`, line-api.ts). While a token is too young to have expired,
 * the refusal can only mean it was used: the answer it carried was delivered.
 *
 * A token's age is counted from {@link replyTokenAt}: the earlier of the event's
 * timestamp (LINE's clock) and when this machine received the event (its own clock), so
 * that a clock running behind LINE's cannot make an expired token look young (its answer
 * would be marked sent and never delivered).
 */

import type { messagingApi } from '@line/bot-sdk';
import type { Metrics } from '../../core/metrics.ts';
import { ReplyTokenRefusedError, type LineApi } from './line-api.ts';

/**
 * Younger than this, a token cannot have expired: well inside LINE's documented minute,
 * and inside the 30 s that tokens were observed to last before LINE documented it.
 */
export const REPLY_TOKEN_SURE_MS = 25_000;

/**
 * The moment a reply token's age is counted from: no later than its issue by either
 * clock. The age then is the larger of (now − event timestamp) and (now − received).
 *
 * @example
 * replyTokenAt(event.timestamp, receivedAt) // stored on the outbox row as `replyTokenAt`
 */
export function replyTokenAt(eventTimestamp: number, receivedAt: Date): Date {
  return new Date(Math.min(eventTimestamp, receivedAt.getTime()));
}

/**
 * Whether a token counted from `since` ({@link replyTokenAt}) is still too young to have
 * expired at `now`, so that LINE refusing it proves it was used.
 *
 * @example
 * if (error instanceof ReplyTokenRefusedError && isYoungReplyToken(row.replyTokenAt, now)) markSent(row);
 */
export function isYoungReplyToken(since: Date, now: Date): boolean {
  return now.getTime() - since.getTime() < REPLY_TOKEN_SURE_MS;
}

/**
 * Replies with a token counted from `since`: `replied` when the answer went out now,
 * `replied-before` when LINE refused a token too young to have expired (it was used, so
 * the answer went out before). Counts every outcome in `ouen_replies_total`; any other
 * failure is thrown for the caller to handle (push instead, or retry).
 */
export async function replyOrUsed(
  api: LineApi, token: string, since: Date, now: Date, messages: messagingApi.Message[], metrics: Metrics,
): Promise<'replied' | 'replied-before'> {
  try {
    await api.reply(token, messages);
    metrics.replies.inc({ result: 'ok' });
    return 'replied';
  } catch (error) {
    if (error instanceof ReplyTokenRefusedError && isYoungReplyToken(since, now)) {
      metrics.replies.inc({ result: 'used-before' });
      return 'replied-before';
    }
    metrics.replies.inc({ result: 'failed' });
    throw error;
  }
}
