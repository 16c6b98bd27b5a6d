/**
 * The dispatcher (a dispatch job: the scheduler's every few seconds, or a kick after a
 * commit): takes due outbox rows in bulk (FOR UPDATE SKIP LOCKED, so several workers
 * never plan the same row), plans their delivery requests (delivery-plan.ts), writes the
 * requests and skips in the same transaction — before any call to a platform — and then
 * hands each batch to the send queue. A row never overtakes the same person's earlier
 * pending row (in flight, being retried, or held by another dispatcher): it waits for a
 * later run (the scheduler's, within seconds). It also hands over again every batch with a pending
 * request (a worker killed after the commit, a Redis wipe): PostgreSQL is the source of
 * truth, the queue can always be rebuilt from it.
 */
import { randomUUID } from 'node:crypto';
import type { Sealer } from '../core/crypto/sealer.ts';
import type { SqlClient, Transact } from '../core/db/types.ts';
import type { Metrics } from '../core/metrics.ts';
import {
  createDeliveryRequests, pendingBatches, skipOutboxRows, takeDueRows, type DueRow, type NewDeliveryRequest,
} from '../core/outbox/delivery-requests.repository.ts';
import { openContent } from '../core/outbox/outbox-content.ts';
import { orderedId } from '../core/outbox/ordered-id.ts';
import { isYoungReplyToken } from '../channels/line/reply-token.ts';
import type { OutboxQueue } from '../runtime/outbox-queue.ts';
import { planDelivery } from './delivery-plan.ts';

export interface DispatchDeps {
  db: SqlClient;
  transact: Transact;
  sealer: Sealer;
  queue: Pick<OutboxQueue, 'sendBatches'>;
  metrics: Metrics;
  clock?: () => Date;
}

/** Rows planned per transaction: a multiple of 500, so identical rows fill whole multicasts. */
export const DISPATCH_ROWS = 2000;
/** Batches handed over again per run, at most. */
const RECOVER_BATCHES = 1000;

export interface DispatchResult {
  rows: number;
  skipped: number;
  requests: number;
}

export function createDispatcher(deps: DispatchDeps) {
  const clock = deps.clock ?? (() => new Date());
  const messageCount = (row: DueRow) => {
    const stored = openContent(deps.sealer, row.contentSealed, row.participantId);
    return 'content' in stored ? stored.content.messages.length : stored.renderedForLine.length;
  };

  /** One transaction's worth: due rows → requests (written), batch ids to hand over. */
  async function planOnce(now: Date): Promise<DispatchResult & { batchIds: string[]; full: boolean }> {
    return await deps.transact(async (tx) => {
      const rows = await takeDueRows(tx, now, DISPATCH_ROWS);
      // A person's row behind an earlier one still on its way waits for a later run: order kept.
      const plan = planDelivery(rows.filter((row) => !row.waits), {
        messageCount,
        youngReply: (row) => row.replyTokenAt !== null && isYoungReplyToken(row.replyTokenAt, now),
      });
      const requests: NewDeliveryRequest[] = [];
      const batchIds: string[] = [];
      for (const batch of plan.batches) {
        const batchId = randomUUID();
        batchIds.push(batchId);
        // Ordered ids: a send job reads a person's requests back in the order planned.
        for (const planned of batch) requests.push({ id: orderedId(), batchId, ...planned });
      }
      await skipOutboxRows(tx, plan.skipped, now);
      await createDeliveryRequests(tx, requests, now);
      // Full and moving: another take may find more. A full take of rows that all wait (a
      // second broadcast behind the first) would only find them again: wait for a later run.
      const moved = requests.length + plan.skipped.length > 0;
      return { rows: rows.length, skipped: plan.skipped.length, requests: requests.length, batchIds, full: rows.length === DISPATCH_ROWS && moved };
    });
  }

  return async function dispatch(): Promise<DispatchResult> {
    const total: DispatchResult = { rows: 0, skipped: 0, requests: 0 };
    for (;;) {
      const planned = await planOnce(clock());
      total.rows += planned.rows;
      total.skipped += planned.skipped;
      total.requests += planned.requests;
      deps.metrics.deliveries.inc({ result: 'skipped' }, planned.skipped);
      await deps.queue.sendBatches(planned.batchIds);
      if (!planned.full) break;
    }
    // Batches whose send job may be gone; a job that exists is not added twice.
    await deps.queue.sendBatches(await pendingBatches(deps.db, RECOVER_BATCHES));
    return total;
  };
}
