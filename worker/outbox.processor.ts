/**
 * Delivers one outbox row as a LINE push. Idempotent: a row already sent or skipped is
 * left alone, and the push carries the row's X-Line-Retry-Key, so even a job that runs
 * twice (BullMQ is at-least-once) reaches the person once.
 *
 * A row that still carries a young reply token (its reply failed, or a process stopped
 * before recording whether it went out) is first tried as a reply with that token: a
 * reply is free, and single use makes it idempotent too. LINE refusing the young token
 * means it was used, so the answer was delivered; only a row whose token is too old for
 * that to be sure is pushed (reply-token.ts).
 *
 * What a failed attempt leaves in `lastError` is a status line built from the error's
 * class, code and status (`LINE push failed with 400`): every staff role reads it in the
 * list of failed deliveries, so it never quotes a message body or LINE's error text.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { messagingApi } from '@line/bot-sdk';
import type { Sealer } from '../core/crypto/sealer.ts';
import type { SqlClient } from '../core/db/types.ts';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { outboxContext, outboxDelivery, recordOutboxAttempt, settleOutbox, type OutboxDelivery } from '../core/outbox/outbox.repository.ts';
import { LineApiError, type LineChannels } from '../channels/line/line-api.ts';
import { isYoungReplyToken, replyOrUsed } from '../channels/line/reply-token.ts';
import { DiscordApiError, type DiscordDmSender } from '../channels/discord/dm-push.ts';
import type { OutboxJob } from '../runtime/outbox-queue.ts';

export interface OutboxProcessorDeps {
  db: SqlClient;
  sealer: Sealer;
  line: LineChannels;
  /** For participants in Discord DMs; without it (no bot token) their messages fail for good. */
  discord?: DiscordDmSender;
  logger: Logger;
  metrics: Metrics;
  clock?: () => Date;
}

/** LINE asked us to slow down; the backoff strategy reads `retryAfterMs`. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(readonly retryAfterMs: number) {
    super(`rate limited; retry after ${retryAfterMs} ms`);
  }
}

export type DeliveryResult = 'sent' | 'replied' | 'skipped' | 'already-done';

/** A Discord participant while no bot token is configured: nothing can reach them. */
class UndeliverableError extends Error {
  override name = 'UndeliverableError';
  constructor() {
    super(UNDELIVERABLE);
  }
}

const UNDELIVERABLE = 'no channel configured to reach this participant';

export function createOutboxProcessor(deps: OutboxProcessorDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async function deliver(job: Job<OutboxJob>): Promise<DeliveryResult> {
    const { outboxId } = job.data;
    const row = await outboxDelivery(deps.db, outboxId);
    if (!row || row.status !== 'pending') return 'already-done';
    if (row.unreachable) {
      // A blocked user's push is accepted, billed and never shown: skip it.
      await settleOutbox(deps.db, outboxId, 'skipped', clock());
      deps.metrics.deliveries.inc({ result: 'skipped' });
      return 'skipped';
    }
    const messages = deps.sealer.openJson<messagingApi.Message[]>(row.messagesSealed, outboxContext(row.participantId));
    await recordOutboxAttempt(deps.db, outboxId, { started: true, at: clock() });
    if (await settledByReply(deps, outboxId, row, messages)) return 'replied';
    try {
      if (row.lineUserId) await deps.line.forUser(row.lineUserId).push(row.lineUserId, messages, row.retryKey);
      else if (row.discordUserId && deps.discord) await deps.discord.push(row.discordUserId, messages, row.retryKey);
      else throw new UndeliverableError();
    } catch (error) {
      const outcome = classify(error);
      if (outcome === 'accepted-before') {
        deps.logger.info({ outboxId }, 'push already accepted under this retry key');
      } else {
        deps.metrics.deliveries.inc({ result: outcome });
        const lastError = statusLine(error, row.lineUserId ? 'LINE push' : 'Discord DM');
        await recordOutboxAttempt(deps.db, outboxId, { error: lastError, refused: outcome !== 'transient' });
        if (outcome === 'rate-limited') throw new RateLimitedError(((error as LineApiError | DiscordApiError).retryAfterSeconds ?? 1) * 1000);
        if (outcome === 'permanent') {
          await settleOutbox(deps.db, outboxId, 'failed', clock());
          throw new UnrecoverableError(lastError);
        }
        throw error;
      }
    }
    await settleOutbox(deps.db, outboxId, 'sent', clock());
    deps.metrics.deliveries.inc({ result: 'sent' });
    return 'sent';
  };
}

/**
 * Settles a pending row with a reply, when it still carries a reply token young enough
 * (see reply-token.ts), and marks it sent: `replied` when the reply went out now,
 * `replied-before` when LINE refused the token as used (the answer went out before;
 * counted as `ouen_replies_total{result="used-before"}`, whose rate shows how often that
 * happens). Null when there is no young token or LINE refused the reply otherwise (the row
 * is then pushed). A transient failure is thrown: tried again, as a reply while the token is young.
 */
export async function settledByReply(
  deps: Pick<OutboxProcessorDeps, 'db' | 'line' | 'metrics' | 'clock'>, outboxId: string, row: OutboxDelivery, messages: messagingApi.Message[],
): Promise<'replied' | 'replied-before' | null> {
  const clock = deps.clock ?? (() => new Date());
  if (!row.lineUserId || !row.replyToken || !row.replyTokenAt || !isYoungReplyToken(row.replyTokenAt, clock())) return null;
  let result: 'replied' | 'replied-before';
  try {
    result = await replyOrUsed(deps.line.forUser(row.lineUserId), row.replyToken, row.replyTokenAt, clock(), messages, deps.metrics);
  } catch (error) {
    const outcome = classify(error);
    if (outcome !== 'transient' && outcome !== 'rate-limited') return null;
    deps.metrics.deliveries.inc({ result: outcome });
    // A reply carries no retry key, so LINE cannot have accepted the row's key: it counts as refused.
    await recordOutboxAttempt(deps.db, outboxId, { error: statusLine(error, 'LINE reply'), refused: true });
    throw outcome === 'rate-limited' ? new RateLimitedError(((error as LineApiError).retryAfterSeconds ?? 1) * 1000) : error;
  }
  deps.metrics.deliveries.inc({ result });
  await settleOutbox(deps.db, outboxId, 'sent', clock());
  return result;
}

/**
 * LINE's rules: retry on 5xx and timeouts only, never on other 4xx; 409 means the same
 * retry key was accepted before, so the message is out; 429 is a rate limit.
 */
function classify(error: unknown): 'accepted-before' | 'rate-limited' | 'transient' | 'permanent' {
  // A worker started without the bot token may be the wrong process: retried, then failed.
  if (error instanceof UndeliverableError) return 'transient';
  if (error instanceof DiscordApiError) return error.status === 429 ? 'rate-limited' : error.status >= 500 ? 'transient' : 'permanent';
  if (!(error instanceof LineApiError) || error.status === undefined) return 'transient';
  if (error.status === 409) return 'accepted-before';
  if (error.status === 429) return 'rate-limited';
  if (error.status >= 500) return 'transient';
  return 'permanent';
}

/**
 * How an attempt ended, for `lastError`: what was tried and the error's status, code or
 * class (errorFields), e.g. `LINE push failed with 400`, `LINE push failed: timeout`.
 */
function statusLine(error: unknown, what: 'LINE push' | 'LINE reply' | 'Discord DM'): string {
  if (error instanceof UndeliverableError) return UNDELIVERABLE;
  const { class: kind, code, status } = errorFields(error);
  if (status !== undefined) return `${what} failed with ${status}`;
  return `${what} failed: ${code ?? kind}`;
}

/** Exponential backoff capped at a minute; LINE's Retry-After wins when it is given. */
export function outboxBackoff(attemptsMade: number, _type: string | undefined, error: Error | undefined): number {
  if (error instanceof RateLimitedError) return Math.max(error.retryAfterMs, 1000);
  return Math.min(1000 * 2 ** Math.max(attemptsMade - 1, 0), 60_000);
}
