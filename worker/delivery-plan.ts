/**
 * How due outbox rows become delivery requests, at the lowest cost LINE's rules allow
 * (pure: worker/outbox-dispatch.ts reads the rows and writes the plan):
 * - people who blocked the account: skipped, nothing sent (a push to them is billed);
 * - a person with several rows due: their rows in order, merged into pushes of at most
 *   5 messages (a push is one billed message whatever its bubbles);
 * - LINE people with exactly one row due, the same content (its keyed digest) in the same
 *   language: multicasts of at most 500 (one API call instead of 500);
 * - a row still carrying a young reply token: a request of its own, settled by a free
 *   reply first (runtime/settle-by-reply.ts), never part of a multicast;
 * - Discord DM participants: a request per row.
 * A person's requests share a batch (one send job), sent one after the other in order.
 */
import type { DeliveryEndpoint, DueRow } from '../core/outbox/delivery-requests.repository.ts';

export const MULTICAST_MAX_RECIPIENTS = 500;
export const MESSAGES_PER_REQUEST = 5;
/** Push and DM requests per send job: enough to keep the rate limit busy, few enough that a retried job repeats little. */
export const REQUESTS_PER_BATCH = 100;

export interface PlannedRequest {
  endpoint: DeliveryEndpoint;
  /** Rows carried, in order; for a multicast, one per recipient. */
  rowIds: string[];
}

export interface DeliveryPlan {
  skipped: string[];
  /** Each batch is one send job; a person's requests are all in one batch, in order. */
  batches: PlannedRequest[][];
}

export interface PlanOptions {
  /** Messages a row renders to (at most 5: a row always fits one request). */
  messageCount(row: DueRow): number;
  /** Whether the row's reply token is still young enough to settle it with a reply. */
  youngReply(row: DueRow): boolean;
}

export function planDelivery(rows: DueRow[], options: PlanOptions): DeliveryPlan {
  const skipped: string[] = [];
  const byPerson = new Map<string, DueRow[]>();
  for (const row of rows) {
    if (row.unreachable) skipped.push(row.id);
    else (byPerson.get(row.participantId) ?? byPerson.set(row.participantId, []).get(row.participantId)!).push(row);
  }
  const lanes: PlannedRequest[][] = [];
  const multicastCandidates = new Map<string, DueRow[]>();
  for (const personRows of byPerson.values()) {
    const first = personRows[0]!;
    if (!first.lineUserId) {
      lanes.push(personRows.map((row) => ({ endpoint: 'discord-dm', rowIds: [row.id] })));
      continue;
    }
    if (personRows.length === 1 && !options.youngReply(first)) {
      const key = `${first.contentHash}:${first.language}`;
      (multicastCandidates.get(key) ?? multicastCandidates.set(key, []).get(key)!).push(first);
      continue;
    }
    lanes.push(mergedPushes(personRows, options));
  }
  const multicasts: PlannedRequest[][] = [];
  for (const group of multicastCandidates.values()) {
    if (group.length === 1) {
      lanes.push([{ endpoint: 'push', rowIds: [group[0]!.id] }]);
      continue;
    }
    for (let i = 0; i < group.length; i += MULTICAST_MAX_RECIPIENTS) {
      multicasts.push([{ endpoint: 'multicast', rowIds: group.slice(i, i + MULTICAST_MAX_RECIPIENTS).map((row) => row.id) }]);
    }
  }
  return { skipped, batches: [...multicasts, ...packLanes(lanes)] };
}

/** One person's rows in order: a young-token row alone, the others merged up to 5 messages a push. */
function mergedPushes(rows: DueRow[], options: PlanOptions): PlannedRequest[] {
  const requests: PlannedRequest[] = [];
  let current: { rowIds: string[]; messages: number } | undefined;
  for (const row of rows) {
    if (options.youngReply(row)) {
      current = undefined;
      requests.push({ endpoint: 'push', rowIds: [row.id] });
      continue;
    }
    const count = Math.min(Math.max(options.messageCount(row), 1), MESSAGES_PER_REQUEST);
    if (!current || current.messages + count > MESSAGES_PER_REQUEST) {
      current = { rowIds: [], messages: 0 };
      requests.push({ endpoint: 'push', rowIds: current.rowIds });
    }
    current.rowIds.push(row.id);
    current.messages += count;
  }
  return requests;
}

/** People's requests into batches of about REQUESTS_PER_BATCH, never splitting a person. */
function packLanes(lanes: PlannedRequest[][]): PlannedRequest[][] {
  const batches: PlannedRequest[][] = [];
  let current: PlannedRequest[] = [];
  for (const lane of lanes) {
    if (current.length > 0 && current.length + lane.length > REQUESTS_PER_BATCH) {
      batches.push(current);
      current = [];
    }
    current.push(...lane);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
