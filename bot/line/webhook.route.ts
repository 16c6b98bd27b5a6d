/**
 * POST /webhooks/line. Checks the signature over the raw bytes (401); a body that is not
 * JSON, nests too deeply or has no LINE envelope gets 400. Inside the envelope each event
 * is checked on its own: malformed ones are dropped and counted, the valid ones are stored
 * in the inbox (redeliveries are dropped there), LINE gets 200, and only then are they
 * processed: LINE gives up after 2 s and must not wait for a turn.
 */
import express, { type Router } from 'express';
import type { Sealer } from '../../core/crypto/sealer.ts';
import type { Queryable } from '../../core/db/sql-pool.ts';
import { errorFields } from '../../core/error-fields.ts';
import { InboxWriter } from '../../core/inbox/inbox-writer.ts';
import type { AcceptedEvent } from '../../core/inbox/inbox.repository.ts';
import type { Logger } from '../../core/logger.ts';
import type { Metrics } from '../../core/metrics.ts';
import { RateLog } from '../../core/rate-log.ts';
import { nestsDeeperThan } from './json-depth.ts';
import type { EventProcessor } from '../../runtime/line-event-processor.ts';
import { redactEventContent } from '../../channels/line/redact-event.ts';
import { isValidLineSignature } from './signature.ts';
import { callbackSchema, validateEvent, type LineEvent, type MalformedReason } from '../../channels/line/webhook.schema.ts';

export interface LineWebhookDeps {
  channelSecret: string;
  /** Where webhook events are stored (a plain pool: no Prisma on the request path). */
  sql: Queryable;
  sealer: Sealer;
  processor: EventProcessor;
  logger: Logger;
  metrics: Metrics;
  maxBacklog: number;
  /** When an event counts as received (the inbox's `receivedAt`). */
  clock: () => Date;
}

/** LINE's request limit; anything larger is not LINE. */
const MAX_BODY = '2mb';
/** LINE's deepest events (a text with mentions) nest seven levels; far deeper is not LINE. */
const MAX_JSON_DEPTH = 32;
/** What a shed request is told: LINE's redelivery, or any other client, may come back then. */
const RETRY_AFTER_SECONDS = 5;
/** Shedding is reported once per interval, with the count, however many requests it refuses. */
const SHED_LOG_INTERVAL_MS = 10_000;
/** A log line names at most this many events. */
const MAX_LOGGED_EVENTS = 20;

export function lineWebhookRouter(deps: LineWebhookDeps): Router {
  const router = express.Router();
  const inbox = new InboxWriter(deps.sql, deps.sealer, {
    // Something in one request broke a shared insert (its own request then fails alone): rare enough to say so each time.
    onSplit: (requests) => deps.logger.warn({ requests }, 'a shared inbox insert failed; its requests are stored one by one'),
  });
  const shedding = new RateLog(SHED_LOG_INTERVAL_MS, (count, intervalMs) =>
    deps.logger.warn({ shed: count, intervalMs, backlog: deps.processor.backlog }, 'webhook shedding load'));
  router.post('/webhooks/line', express.raw({ type: () => true, limit: MAX_BODY }), async (req, res) => {
    const answer = (status: number, message: string) => {
      deps.metrics.webhookRequests.inc({ status: String(status) });
      res.status(status).json({ message });
    };
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.get('x-line-signature');
    if (!signature || !isValidLineSignature(body, deps.channelSecret, signature)) return answer(401, 'invalid signature');
    if (nestsDeeperThan(body, MAX_JSON_DEPTH)) return answer(400, 'body nests too deeply');
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return answer(400, 'body is not JSON');
    }
    const envelope = callbackSchema.safeParse(json);
    if (!envelope.success) return answer(400, 'body is not a LINE webhook');
    if (deps.processor.backlog > deps.maxBacklog) {
      deps.metrics.shed.inc();
      shedding.add();
      res.set('retry-after', String(RETRY_AFTER_SECONDS));
      return answer(503, 'busy, retry later');
    }
    const { valid, malformed } = checkEvents(envelope.data.events);
    if (malformed.length > 0) reportMalformed(deps, malformed);
    // The events ouen stores and processes, in one place: the valid, active ones, with
    // any Individual Number cut out of what the person wrote (redact-event.ts).
    // Standby events belong to another channel's bot: not stored, not answered.
    const events = valid.filter((e) => e.mode === 'active').map(redactEventContent);
    let accepted: Set<string>;
    try {
      const receivedAt = deps.clock();
      accepted = await inbox.accept(events.map((event) => inboxRow(event, receivedAt)));
    } catch (error) {
      deps.logger.error({ err: errorFields(error), webhookEventIds: events.slice(0, MAX_LOGGED_EVENTS).map((e) => e.webhookEventId) }, 'storing webhook events failed');
      return answer(500, 'internal error');
    }
    answer(200, 'ok');
    deps.processor.dispatch(events.filter((e) => accepted.has(e.webhookEventId)));
  });
  return router;
}

interface Malformed {
  index: number;
  reason: MalformedReason | 'duplicate-id';
  webhookEventId?: string;
}

/** Each event on its own; an event id repeated within the body keeps its first event. */
function checkEvents(raw: unknown[]): { valid: LineEvent[]; malformed: Malformed[] } {
  const valid: LineEvent[] = [];
  const malformed: Malformed[] = [];
  const seen = new Set<string>();
  raw.forEach((candidate, index) => {
    const verdict = validateEvent(candidate);
    if (!verdict.ok) {
      malformed.push({ index, reason: verdict.reason, ...(verdict.webhookEventId ? { webhookEventId: verdict.webhookEventId } : {}) });
    } else if (seen.has(verdict.event.webhookEventId)) {
      malformed.push({ index, reason: 'duplicate-id', webhookEventId: verdict.event.webhookEventId });
    } else {
      seen.add(verdict.event.webhookEventId);
      valid.push(verdict.event);
    }
  });
  return { valid, malformed };
}

/** Counted by reason and logged without content: where in the body, why, and the event id when it is itself valid. */
function reportMalformed(deps: LineWebhookDeps, malformed: Malformed[]): void {
  for (const m of malformed) deps.metrics.malformedEvents.inc({ reason: m.reason });
  deps.logger.warn({ count: malformed.length, events: malformed.slice(0, MAX_LOGGED_EVENTS) }, 'webhook events dropped as malformed');
}

function inboxRow(event: LineEvent, receivedAt: Date): AcceptedEvent {
  return {
    webhookEventId: event.webhookEventId,
    lineUserId: event.source?.userId ?? null,
    eventType: event.type,
    occurredAt: new Date(event.timestamp),
    receivedAt,
    payload: event,
  };
}
