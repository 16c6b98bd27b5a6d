/** Prometheus metrics, one registry per process, served at GET /metrics. */
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';

/**
 * `defaults`: Node's process metrics (CPU, memory, event loop). A processing thread
 * leaves them to the web thread: they describe the whole process.
 */
export function createMetrics(options: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaults ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    webhookRequests: new Counter({ name: 'ouen_webhook_requests_total', help: 'Webhook requests by HTTP status', labelNames: ['status'], registers }),
    /** `type` through {@link boundedLabel}: LINE's known event types, everything else `other`. */
    webhookEvents: new Counter({ name: 'ouen_webhook_events_total', help: 'Webhook events by type and outcome', labelNames: ['type', 'outcome'], registers }),
    malformedEvents: new Counter({ name: 'ouen_webhook_malformed_events_total', help: 'Webhook events dropped because a field was not in LINE\'s documented shape, by field', labelNames: ['reason'], registers }),
    turnDuration: new Histogram({ name: 'ouen_turn_duration_seconds', help: 'Time to process one event', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers }),
    replies: new Counter({ name: 'ouen_replies_total', help: 'Reply API calls by result', labelNames: ['result'], registers }),
    deliveries: new Counter({ name: 'ouen_outbox_deliveries_total', help: 'Outbox deliveries by result', labelNames: ['result'], registers }),
    /** One per call to LINE or Discord for outbox rows: `endpoint` push, multicast or discord-dm; `result` ok or how it failed (delivery-failure.ts). */
    apiCalls: new Counter({ name: 'ouen_delivery_api_calls_total', help: 'Delivery API calls by endpoint and result', labelNames: ['endpoint', 'result'], registers }),
    backlog: new Gauge({ name: 'ouen_event_backlog', help: 'Events accepted and not yet processed', registers }),
    shed: new Counter({ name: 'ouen_webhook_shed_total', help: 'Webhook requests refused because the backlog was over its limit', registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * A label value from a fixed set, else `other`. Every distinct value is a series kept for
 * the life of the process, so a value that outsiders choose (an event type in a signed
 * body) must never become a label as it is.
 */
export function boundedLabel(value: string, known: ReadonlySet<string>): string {
  return known.has(value) ? value : 'other';
}

/** The content type of GET /metrics (Prometheus text format). */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Prometheus text for several registries' JSON (the web and processing threads'), counters summed. */
export async function mergedMetricsText(lists: unknown[][]): Promise<string> {
  return AggregatorRegistry.aggregate(lists as Array<Array<MetricObjectWithValues<MetricValue<string>>>>).metrics();
}
