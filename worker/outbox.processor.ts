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
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { outboxDelivery, recordOutboxAttempt, settleOutbox } from '../core/outbox/outbox.repository.ts';
import type { LineChannels } from '../channels/line/line-api.ts';
import type { DiscordDmSender } from '../channels/discord/dm-push.ts';
import { classifyDeliveryFailure, failureStatusLine, rateLimited, RateLimitedError } from '../runtime/delivery-failure.ts';
import type { OutboxJob } from '../runtime/outbox-queue.ts';
import { renderOutboxRow } from '../runtime/render-outbox.ts';
import { settledByReply } from '../runtime/settle-by-reply.ts';

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
    const messages = renderOutboxRow(deps.sealer, row);
    await recordOutboxAttempt(deps.db, outboxId, { started: true, at: clock() });
    if (await settledByReply(deps, outboxId, row, messages)) return 'replied';
    try {
      if (row.lineUserId) await deps.line.forUser(row.lineUserId).push(row.lineUserId, messages as messagingApi.Message[], row.retryKey);
      else if (row.discordUserId && deps.discord) await deps.discord.push(row.discordUserId, messages, row.retryKey);
      else throw new UndeliverableError();
    } catch (error) {
      // A worker started without the bot token may be the wrong process: retried, then failed.
      const outcome = error instanceof UndeliverableError ? 'transient' : classifyDeliveryFailure(error);
      if (outcome === 'accepted-before') {
        deps.logger.info({ outboxId }, 'push already accepted under this retry key');
      } else {
        deps.metrics.deliveries.inc({ result: outcome });
        const lastError = statusLine(error, row.lineUserId ? 'LINE push' : 'Discord DM');
        await recordOutboxAttempt(deps.db, outboxId, { error: lastError, refused: outcome !== 'transient' });
        if (outcome === 'rate-limited') throw rateLimited(error);
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

/** The row's `lastError` for a failed attempt (see failureStatusLine). */
function statusLine(error: unknown, what: 'LINE push' | 'Discord DM'): string {
  return error instanceof UndeliverableError ? UNDELIVERABLE : failureStatusLine(error, what);
}

/** Exponential backoff capped at a minute; LINE's Retry-After wins when it is given. */
export function outboxBackoff(attemptsMade: number, _type: string | undefined, error: Error | undefined): number {
  if (error instanceof RateLimitedError) return Math.max(error.retryAfterMs, 1000);
  return Math.min(1000 * 2 ** Math.max(attemptsMade - 1, 0), 60_000);
}
