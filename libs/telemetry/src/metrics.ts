import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus registry: every OptScale metric and the default Node.js metrics (event
 * loop lag, heap, GC, open handles). One per process; `GET /metrics` renders it (see
 * `metrics-endpoint.ts`).
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** Latency buckets (seconds) of an LLM call: from a cached 50 ms answer to a 10 minute generation. */
const REQUEST_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];
/** Time to first token (seconds). */
const TTFT_SECONDS = [0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2.5, 5, 10, 30];
/** A batch insert into ClickHouse (seconds). */
const INSERT_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every metric's name, from code (dashboards in deploy/grafana and alerts use exactly these; a
 * test checks each is served). Label values stay bounded: provider proxy names and model ids come
 * from configuration, never from arbitrary client input, and no label carries an organization,
 * user or key id, so `/metrics` leaks no tenant data.
 */
export const METRIC_NAMES = {
  gatewayRequests: 'optscale_gateway_requests_total',
  gatewayRequestDuration: 'optscale_gateway_request_duration_seconds',
  gatewayTtft: 'optscale_gateway_ttft_seconds',
  gatewayTokens: 'optscale_gateway_tokens_total',
  gatewayCostNanodollars: 'optscale_gateway_cost_nanodollars_total',
  eventSpoolBytes: 'optscale_event_spool_bytes',
  eventSpoolEvents: 'optscale_event_spool_events',
  kafkaConsumerLag: 'optscale_kafka_consumer_lag',
  clickhouseInsertDuration: 'optscale_clickhouse_insert_duration_seconds',
} as const;

/** The token kinds of `optscale_gateway_tokens_total{kind}`, as the request event counts them. */
export type TokenKind = 'input' | 'cache_read' | 'cache_write' | 'output' | 'reasoning';

/** Typed handles of the metrics, registered in `registry`. */
export const metrics = {
  /** Finished gateway requests; `status_class` is `2xx`..`5xx`; `model` is `unknown` when not routed. */
  gatewayRequests: new Counter({
    name: METRIC_NAMES.gatewayRequests,
    help: 'Requests the gateway finished, by client surface, provider, upstream model and status class.',
    labelNames: ['surface', 'provider', 'model', 'status_class'] as const,
    registers: [registry],
  }),
  gatewayRequestDuration: new Histogram({
    name: METRIC_NAMES.gatewayRequestDuration,
    help: 'From the request arriving to its last byte sent, in seconds.',
    labelNames: ['surface', 'provider'] as const,
    buckets: REQUEST_SECONDS,
    registers: [registry],
  }),
  gatewayTtft: new Histogram({
    name: METRIC_NAMES.gatewayTtft,
    help: 'From the request arriving to the first byte of the answer sent to the client, in seconds.',
    labelNames: ['surface', 'provider'] as const,
    buckets: TTFT_SECONDS,
    registers: [registry],
  }),
  gatewayTokens: new Counter({
    name: METRIC_NAMES.gatewayTokens,
    help: 'Tokens of finished requests, by kind (input, cache_read, cache_write, output, reasoning).',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  gatewayCostNanodollars: new Counter({
    name: METRIC_NAMES.gatewayCostNanodollars,
    help: 'What finished requests cost as priced by the gateway, in billionths of a US dollar.',
    labelNames: ['provider', 'model'] as const,
    registers: [registry],
  }),
  eventSpoolBytes: new Gauge({
    name: METRIC_NAMES.eventSpoolBytes,
    help: 'Bytes of request events waiting in the on-disk spool for the bus to come back.',
    registers: [registry],
  }),
  eventSpoolEvents: new Gauge({
    name: METRIC_NAMES.eventSpoolEvents,
    help: 'Request events waiting in the on-disk spool for the bus to come back.',
    registers: [registry],
  }),
  kafkaConsumerLag: new Gauge({
    name: METRIC_NAMES.kafkaConsumerLag,
    help: 'Messages a consumer group has not committed yet, over all partitions of the topic.',
    labelNames: ['group', 'topic'] as const,
    registers: [registry],
  }),
  clickhouseInsertDuration: new Histogram({
    name: METRIC_NAMES.clickhouseInsertDuration,
    help: 'Duration of one batch insert into ClickHouse, in seconds, by table.',
    labelNames: ['table'] as const,
    buckets: INSERT_SECONDS,
    registers: [registry],
  }),
};

/** `2xx`, `4xx`, ... of an HTTP status (499, the client went away, is `4xx`). */
export function statusClass(status: number): string {
  return `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx`;
}
