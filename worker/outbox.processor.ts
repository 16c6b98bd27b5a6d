/**
 * Sends one batch of delivery requests (a send job; worker/outbox-dispatch.ts wrote them):
 * each request is one call — a LINE multicast, a LINE push of one person's rows merged, or
 * a Discord DM — under the request's id as X-Line-Retry-Key (the DM's nonces derive from
 * it). The rows are rendered now, in the person's language, for their channel.
 *
 * Exactly once: a request's key was fixed when it was written, so a job run again (a
 * retry, a stalled job, a worker killed mid-call) repeats the same call under the same
 * key; LINE delivers it once and answers a repeat with 409, which settles the request as
 * sent. Only pending requests and rows are read and every update is conditional on
 * `pending`, so a re-run skips what is settled.
 *
 * One retry policy (runtime/delivery-failure.ts): 5xx and timeouts are retried with
 * backoff and the same key; a 429 waits (Retry-After when given); 409 is already sent;
 * other 4xx fail for good (the rows are `failed`, in staff's failed-deliveries list). A
 * job with requests left to retry throws, and BullMQ runs it again after the backoff.
 * A person's requests go out one after another, in order; a failure stops that person's
 * lane until the retry.
 *
 * A request of one row still carrying a young reply token is settled by a free reply
 * first (runtime/settle-by-reply.ts); only when that is not possible is it pushed.
 *
 * What a failed attempt leaves in `lastError` is a status line (`LINE push failed with
 * 400`): every staff role reads it, so it never quotes a message body or LINE's text.
 */
import type { Job } from 'bullmq';
import type { messagingApi } from '@line/bot-sdk';
import type { Sealer } from '../core/crypto/sealer.ts';
import type { SqlClient } from '../core/db/types.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import {
  batchRows, pendingRequestsOfBatch, recordRequestAttempts, recordRequestError, settleRequests, type BatchRow, type DeliveryEndpoint,
} from '../core/outbox/delivery-requests.repository.ts';
import type { LineApi, LineChannels } from '../channels/line/line-api.ts';
import type { DiscordDmSender } from '../channels/discord/dm-push.ts';
import { classifyDeliveryFailure, failureStatusLine, rateLimited, RateLimitedError, type DeliveryFailure } from '../runtime/delivery-failure.ts';
import type { SendJob } from '../runtime/outbox-queue.ts';
import { renderOutboxRow } from '../runtime/render-outbox.ts';
import { settledByReply } from '../runtime/settle-by-reply.ts';

export interface OutboxProcessorDeps {
  db: SqlClient;
  sealer: Sealer;
  line: LineChannels;
  /** For participants in Discord DMs; without it (no bot token) their messages fail after the retries. */
  discord?: DiscordDmSender;
  logger: Logger;
  metrics: Metrics;
  /** LINE's per-endpoint rate limits, shared by every worker process (rate-limiter.ts). */
  limiter: { acquire(endpoint: string): Promise<void> };
  clock?: () => Date;
}

export interface BatchResult {
  sent: number;
  failed: number;
}

/** A Discord participant while no bot token is configured: nothing can reach them. */
class UndeliverableError extends Error {
  override name = 'UndeliverableError';
  constructor() {
    super(UNDELIVERABLE);
  }
}

const UNDELIVERABLE = 'no channel configured to reach this participant';
/** People whose requests are sent at once within a job (the rate limiter paces them): with 8 jobs at once, 128 calls in flight, enough for 2,000 a second at 60 ms each and few enough that a slow LINE never has hundreds of calls waiting until they time out (and are repeated). */
const PARALLEL_LANES = 16;

interface Request {
  id: string;
  endpoint: DeliveryEndpoint;
  rows: BatchRow[];
}

type Attempt =
  | { outcome: 'sent' | 'accepted-before' | 'replied' }
  /** `recorded`: the reply path stored the failure on the row itself. */
  | { outcome: Exclude<DeliveryFailure, 'accepted-before'>; error: unknown; recorded?: boolean };

export function createOutboxProcessor(deps: OutboxProcessorDeps) {
  const clock = deps.clock ?? (() => new Date());

  /**
   * One multicast; with the console beside a real channel, its recipients may be served by
   * two APIs (line-routing.ts): one call to each under the same key (each platform
   * remembers its own keys), where a 409 from one means that part went out before.
   */
  async function multicast(request: Request, messages: messagingApi.Message[]): Promise<void> {
    const byApi = new Map<LineApi, string[]>();
    for (const row of request.rows) {
      const api = deps.line.forUser(row.lineUserId!);
      (byApi.get(api) ?? byApi.set(api, []).get(api)!).push(row.lineUserId!);
    }
    if (byApi.size === 1) {
      const [api, to] = [...byApi][0]!;
      return await api.multicast(to, messages, request.id);
    }
    for (const [api, to] of byApi) {
      await api.multicast(to, messages, request.id).catch((error: unknown) => {
        if (classifyDeliveryFailure(error) !== 'accepted-before') throw error;
      });
    }
  }

  async function attempt(request: Request): Promise<Attempt> {
    const first = request.rows[0]!;
    if (request.endpoint === 'push' && request.rows.length === 1 && first.replyToken) {
      try {
        const replied = await settledByReply(deps, first.rowId, first, renderOutboxRow(deps.sealer, first));
        if (replied) return { outcome: 'replied' };
      } catch (error) {
        const outcome = classifyDeliveryFailure(error);
        return { outcome: outcome === 'accepted-before' ? 'transient' : outcome, error, recorded: true };
      }
    }
    try {
      await deps.limiter.acquire(request.endpoint);
      if (request.endpoint === 'discord-dm') {
        if (!deps.discord || !first.discordUserId) throw new UndeliverableError();
        await deps.discord.push(first.discordUserId, request.rows.flatMap((row) => renderOutboxRow(deps.sealer, row)), request.id);
      } else if (request.endpoint === 'multicast') {
        await multicast(request, renderOutboxRow(deps.sealer, first) as messagingApi.Message[]);
      } else {
        const messages = request.rows.flatMap((row) => renderOutboxRow(deps.sealer, row)) as messagingApi.Message[];
        await deps.line.forUser(first.lineUserId!).push(first.lineUserId!, messages, request.id);
      }
      deps.metrics.apiCalls.inc({ endpoint: request.endpoint, result: 'ok' });
      return { outcome: 'sent' };
    } catch (error) {
      // A worker started without the bot token may be the wrong process: retried, then failed.
      const outcome = error instanceof UndeliverableError ? 'transient' : classifyDeliveryFailure(error);
      deps.metrics.apiCalls.inc({ endpoint: request.endpoint, result: outcome });
      return outcome === 'accepted-before' ? { outcome } : { outcome, error };
    }
  }

  return async function sendBatch(job: Job<SendJob>): Promise<BatchResult> {
    const { batchId } = job.data;
    const [rows, pending] = await Promise.all([batchRows(deps.db, batchId), pendingRequestsOfBatch(deps.db, batchId)]);
    const requests = groupRequests(rows);
    // Requests whose rows were all settled otherwise meanwhile (a reply at start): nothing to send.
    const empty = pending.filter((id) => !requests.has(id));
    await settleRequests(deps.db, empty, 'sent', clock());
    if (requests.size === 0) return { sent: 0, failed: 0 };
    await recordRequestAttempts(deps.db, [...requests.keys()], clock());

    const results = new Map<string, Attempt>();
    await eachLimited(lanes(requests), PARALLEL_LANES, async (lane) => {
      for (const request of lane) {
        const result = await attempt(request);
        results.set(request.id, result);
        // The person's later messages wait for this one: their order is kept.
        if (result.outcome === 'transient' || result.outcome === 'rate-limited') break;
      }
    });
    return await settle(requests, results);
  };

  async function settle(requests: Map<string, Request>, results: Map<string, Attempt>): Promise<BatchResult> {
    const now = clock();
    const done = [...results].filter(([, r]) => r.outcome === 'sent' || r.outcome === 'accepted-before' || r.outcome === 'replied').map(([id]) => id);
    const sent = await settleRequests(deps.db, done, 'sent', now);
    deps.metrics.deliveries.inc({ result: 'sent' }, sent);
    let failed = 0;
    let retry: RateLimitedError | Error | undefined;
    for (const [id, result] of results) {
      if (!('error' in result)) continue;
      const request = requests.get(id)!;
      // A failed reply was recorded and counted where it failed (runtime/settle-by-reply.ts).
      if (!result.recorded) {
        await recordRequestError(deps.db, [id], statusLine(result.error, request.endpoint), result.outcome !== 'transient');
        deps.metrics.deliveries.inc({ result: result.outcome }, request.rows.length);
      }
      if (result.outcome === 'permanent') failed += await settleRequests(deps.db, [id], 'failed', now);
      else if (result.outcome === 'rate-limited') retry = rateLimited(result.error);
      else retry ??= new Error('delivery requests left to retry');
    }
    const unattempted = [...requests.keys()].filter((id) => !results.has(id));
    if (unattempted.length > 0) retry ??= new Error('delivery requests left to retry');
    if (retry) {
      deps.logger.warn({ sent, failed, retry: [...results.values()].filter((r) => r.outcome === 'transient' || r.outcome === 'rate-limited').length, waiting: unattempted.length }, 'delivery batch to be retried');
      throw retry;
    }
    return { sent, failed };
  }
}

function groupRequests(rows: BatchRow[]): Map<string, Request> {
  const requests = new Map<string, Request>();
  for (const row of rows) {
    let request = requests.get(row.requestId);
    if (!request) requests.set(row.requestId, (request = { id: row.requestId, endpoint: row.endpoint, rows: [] }));
    request.rows.push(row);
  }
  return requests;
}

/** A person's requests in one lane, in the order written (request ids are not ordered: rows are). */
function lanes(requests: Map<string, Request>): Request[][] {
  const byPerson = new Map<string, Request[]>();
  for (const request of requests.values()) {
    const key = request.endpoint === 'multicast' ? request.id : request.rows[0]!.participantId;
    (byPerson.get(key) ?? byPerson.set(key, []).get(key)!).push(request);
  }
  return [...byPerson.values()];
}

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(runners);
}

const WHAT: Record<DeliveryEndpoint, 'LINE push' | 'LINE multicast' | 'Discord DM'> = { push: 'LINE push', multicast: 'LINE multicast', 'discord-dm': 'Discord DM' };

/** The rows' `lastError` for a failed attempt (see failureStatusLine). */
function statusLine(error: unknown, endpoint: DeliveryEndpoint): string {
  return error instanceof UndeliverableError ? UNDELIVERABLE : failureStatusLine(error, WHAT[endpoint]);
}
