/** Prometheus metrics, one registry per process, served at GET /metrics. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    webhookRequests: new Counter({ name: 'ouen_webhook_requests_total', help: 'Webhook requests by HTTP status', labelNames: ['status'], registers }),
    webhookEvents: new Counter({ name: 'ouen_webhook_events_total', help: 'Webhook events by type and outcome', labelNames: ['type', 'outcome'], registers }),
    turnDuration: new Histogram({ name: 'ouen_turn_duration_seconds', help: 'Time to process one event', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers }),
    replies: new Counter({ name: 'ouen_replies_total', help: 'Reply API calls by result', labelNames: ['result'], registers }),
    deliveries: new Counter({ name: 'ouen_outbox_deliveries_total', help: 'Outbox deliveries by result', labelNames: ['result'], registers }),
    backlog: new Gauge({ name: 'ouen_event_backlog', help: 'Events accepted and not yet processed', registers }),
    shed: new Counter({ name: 'ouen_webhook_shed_total', help: 'Webhook requests refused because the backlog was over its limit', registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
