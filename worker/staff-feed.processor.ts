/**
 * The staff feed's job: post one notice to Discord (channels/discord/staff/post-notice.ts)
 * and settle it. Idempotent: a notice no longer pending is skipped, and posting records
 * its progress, so a stalled job run again posts nothing twice. A failure counts by the
 * one retry policy (runtime/retry-policy.ts): refused for good, or still failing on the
 * job's last try (more than a day of tries), the notice is marked failed; a rate limit
 * pauses the queue for the wait Discord asked for; otherwise the job is retried with the
 * policy's backoff.
 */
import type { Job } from 'bullmq';
import { errorFields } from '../core/error-fields.ts';
import type { Logger } from '../core/logger.ts';
import { findPendingNotice, noteNoticeAttempt, settleNotice, type Notice } from '../core/staff-feed/staff-notice.repository.ts';
import type { FeedPostDeps } from '../channels/discord/staff/feed-rest.ts';
import { postNotice } from '../channels/discord/staff/post-notice.ts';
import { classify } from '../runtime/retry-policy.ts';

/** A job posts one notice; the sweep (the job scheduler's) enqueues the notices that may go now. */
export type StaffFeedJob = { noticeId: string } | { sweep: true };

export interface StaffFeedProcessorDeps extends FeedPostDeps {
  logger: Logger;
  /** Enqueues the notices that may be posted now. */
  sweep(): Promise<number>;
  /** Enqueues the entity's next pending notice, if any, once one is settled. */
  enqueueNext(entityId: string): Promise<void>;
  /**
   * Discord asked to wait: the whole queue waits (BullMQ's worker.rateLimit) and the job
   * goes back without using up a try, so a burst of notices never fails on rate limits.
   * Returns the error to throw.
   */
  rateLimited(waitMs: number): Promise<Error>;
}

export type StaffFeedOutcome = 'sent' | 'skipped' | 'failed' | 'not-pending' | 'swept';

export function createStaffFeedProcessor(deps: StaffFeedProcessorDeps): (job: Job<StaffFeedJob>) => Promise<StaffFeedOutcome> {
  return async (job) => {
    if ('sweep' in job.data) {
      await deps.sweep();
      return 'swept';
    }
    const notice = await findPendingNotice(deps.db, job.data.noticeId);
    if (!notice) return 'not-pending';
    let outcome: 'sent' | 'skipped' | 'failed';
    try {
      outcome = await postNotice(deps, notice);
    } catch (error) {
      outcome = await afterFailure(deps, job, notice, error);
    }
    await settleNotice(deps.db, notice.id, outcome, deps.clock());
    await deps.enqueueNext(notice.entityId);
    return outcome;
  };
}

/**
 * What a failed try comes to: the queue pauses for a rate limit; 'sent' for what was done
 * before; 'failed' for a refusal or the last try; otherwise the error again, for a retry.
 */
async function afterFailure(deps: StaffFeedProcessorDeps, job: Job<StaffFeedJob>, notice: Notice, error: unknown): Promise<'sent' | 'failed'> {
  const decision = classify(error);
  if (typeof decision === 'object') throw await deps.rateLimited(decision.waitMs);
  if (decision === 'done') return 'sent';
  await noteNoticeAttempt(deps.db, notice.id);
  const failed = decision === 'permanent' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  deps.logger.warn({ notice: notice.id.toString(), kind: notice.kind, attempts: job.attemptsMade + 1, err: errorFields(error), failed }, 'staff feed post failed');
  if (!failed) throw error;
  return 'failed';
}
