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
    webhookEvents: new Counter({ name: 'ouen_webhook_events_total', help: 'Webhook events by type and outcome', labelNames: ['type', 'outcome'], registers }),
    turnDuration: new Histogram({ name: 'ouen_turn_duration_seconds', help: 'Time to process one event', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers }),
    replies: new Counter({ name: 'ouen_replies_total', help: 'Reply API calls by result', labelNames: ['result'], registers }),
    deliveries: new Counter({ name: 'ouen_outbox_deliveries_total', help: 'Outbox deliveries by result', labelNames: ['result'], registers }),
    backlog: new Gauge({ name: 'ouen_event_backlog', help: 'Events accepted and not yet processed', registers }),
    shed: new Counter({ name: 'ouen_webhook_shed_total', help: 'Webhook requests refused because the backlog was over its limit', registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The content type of GET /metrics (Prometheus text format). */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Prometheus text for several registries' JSON (the web and processing threads'), counters summed. */
export async function mergedMetricsText(lists: unknown[][]): Promise<string> {
  return AggregatorRegistry.aggregate(lists as Array<Array<MetricObjectWithValues<MetricValue<string>>>>).metrics();
}
