/**
 * POST /webhooks/line. Checks the signature over the raw bytes (401), the JSON and its
 * shape (400), stores new events in the inbox (redeliveries are dropped there), answers
 * 200, and only then processes: LINE gives up after 2 s and must not wait for a turn.
 */
import express, { type Router } from 'express';
import type { Sealer } from '../../core/crypto/sealer.ts';
import type { Queryable } from '../../core/db/sql-pool.ts';
import { InboxWriter } from '../../core/inbox/inbox-writer.ts';
import type { Logger } from '../../core/logger.ts';
import type { Metrics } from '../../core/metrics.ts';
import type { EventProcessor } from './line-event-processor.ts';
import { redactEventContent } from './redact-event.ts';
import { isValidLineSignature } from './signature.ts';
import { callbackSchema } from './webhook.schema.ts';

export interface LineWebhookDeps {
  channelSecret: string;
  /** Where webhook events are stored (a plain pool: no Prisma on the request path). */
  sql: Queryable;
  sealer: Sealer;
  processor: EventProcessor;
  logger: Logger;
  metrics: Metrics;
  maxBacklog: number;
}

/** LINE's request limit; anything larger is not LINE. */
const MAX_BODY = '2mb';

export function lineWebhookRouter(deps: LineWebhookDeps): Router {
  const router = express.Router();
  const inbox = new InboxWriter(deps.sql, deps.sealer);
  router.post('/webhooks/line', express.raw({ type: () => true, limit: MAX_BODY }), async (req, res) => {
    const answer = (status: number, message: string) => {
      deps.metrics.webhookRequests.inc({ status: String(status) });
      res.status(status).json({ message });
    };
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.get('x-line-signature');
    if (!signature || !isValidLineSignature(body, deps.channelSecret, signature)) return answer(401, 'invalid signature');
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return answer(400, 'body is not JSON');
    }
    const parsed = callbackSchema.safeParse(json);
    if (!parsed.success) return answer(400, 'body is not a LINE webhook');
    if (deps.processor.backlog > deps.maxBacklog) {
      deps.metrics.shed.inc();
      deps.logger.warn({ backlog: deps.processor.backlog }, 'webhook shedding load');
      return answer(503, 'busy, retry later');
    }
    // Standby events belong to another channel's bot: not stored, not answered. What is
    // kept is what the person wrote with any Individual Number cut out (redact-event.ts).
    const active = parsed.data.events.filter((e) => e.mode === 'active').map(redactEventContent);
    const accepted = await inbox.accept(active.map((e) => ({
      webhookEventId: e.webhookEventId,
      lineUserId: e.source?.userId ?? null,
      eventType: e.type,
      occurredAt: new Date(e.timestamp),
      payload: e,
    })));
    answer(200, 'ok');
    deps.processor.dispatch(active.filter((e) => accepted.has(e.webhookEventId)));
  });
  return router;
}
