import type { BatchSubscription, Bus, InvalidMessage } from '@optscale/bus';
import type { RequestEvent } from '@optscale/contracts';
import type { ReadinessCheck, ReadinessReport } from '@optscale/service-kit';
import { metrics, registry } from '@optscale/telemetry';
import { Counter, Gauge } from 'prom-client';

/** The consumer group of the cost aggregator. */
export const COST_AGGREGATOR_GROUP = 'cost-aggregator';
const TOPIC = 'optscale.gateway.requests.v1';
/** How often the consumer-lag gauge is refreshed (besides every `/readyz`). */
const LAG_REFRESH_MS = 15_000;

/** Metrics of the cost aggregator, on the process registry (served at `/metrics`). */
export const USAGE_METRIC_NAMES = {
  events: 'optscale_cost_aggregator_events_total',
  costNanodollars: 'optscale_cost_aggregator_cost_nanodollars_total',
  watermark: 'optscale_cost_aggregator_watermark_seconds',
} as const;

const eventsCounter = new Counter({
  name: USAGE_METRIC_NAMES.events,
  help: 'Request events the cost aggregator consumed, by outcome (ok, failed, invalid).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
const costCounter = new Counter({
  name: USAGE_METRIC_NAMES.costNanodollars,
  help: 'Cost of the consumed request events as priced by the gateways, in billionths of a US dollar.',
  registers: [registry],
});
const watermarkGauge = new Gauge({
  name: USAGE_METRIC_NAMES.watermark,
  help: 'Start time (Unix seconds) of the newest request event the cost aggregator consumed.',
  registers: [registry],
});

/**
 * The cost aggregator's view of the request events (group `cost-aggregator`): counters for
 * Prometheus and the ingest watermark (the newest event seen) for the Usage API's freshness.
 *
 * It writes no usage rows: the hourly roll-up `usage_hourly` is filled by ClickHouse's materialized
 * view `usage_hourly_mv` from the trace collector's inserts into `traces`, so cost is aggregated
 * exactly once, idempotently by request id, with no second writer to keep consistent. Budgets'
 * spend state (libs/usage-service/src/budgets) builds on the same consumer and store.
 */
export class UsageAggregator implements ReadinessCheck {
  readonly name = 'consumer:cost-aggregator';
  private subscription: BatchSubscription | undefined;
  /** Refreshes the consumer-lag gauge between `/readyz` polls. */
  private lagTimer: NodeJS.Timeout | undefined;
  private consumed = 0;
  private invalid = 0;
  private costNanos = 0n;
  private newestMs: number | null = null;
  private readonly listeners: ((events: readonly RequestEvent[]) => void | Promise<void>)[] = [];

  constructor(
    private readonly bus: Bus,
    private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  /** Also hands every consumed batch to `listener` (budget state); a throw fails the batch (retried). */
  onEvents(listener: (events: readonly RequestEvent[]) => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribeBatch(
      TOPIC,
      (messages) => this.consume(messages.map((m) => m.value)),
      { group: COST_AGGREGATOR_GROUP, onInvalid: (message) => this.refuse(message) },
    );
    this.lagTimer = setInterval(() => void this.lag().catch(() => undefined), LAG_REFRESH_MS);
    this.lagTimer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.lagTimer);
    this.lagTimer = undefined;
    await this.subscription?.close();
    this.subscription = undefined;
  }

  async consume(events: readonly RequestEvent[]): Promise<void> {
    for (const listener of this.listeners) await listener(events);
    for (const event of events) {
      const nanos = BigInt(event.cost?.nanos ?? '0');
      this.costNanos += nanos;
      costCounter.inc(Number(nanos));
      this.newestMs = Math.max(this.newestMs ?? 0, event.timings.startedAt);
    }
    this.consumed += events.length;
    eventsCounter.inc({ outcome: 'ok' }, events.length);
    if (this.newestMs !== null) watermarkGauge.set(Math.floor(this.newestMs / 1000));
  }

  /** Start time of the newest event consumed (Unix ms), or null before the first. */
  watermarkMs(): number | null {
    return this.newestMs;
  }

  async lag(): Promise<number> {
    if (this.subscription === undefined) return 0;
    const { total } = await this.subscription.lag();
    metrics.kafkaConsumerLag.set({ group: COST_AGGREGATOR_GROUP, topic: TOPIC }, total);
    return total;
  }

  async check(): Promise<ReadinessReport> {
    const lag = await this.lag().catch(() => null);
    return {
      ready: this.subscription !== undefined,
      detail: {
        consumed: this.consumed,
        invalid: this.invalid,
        costNanos: this.costNanos.toString(),
        lag,
        watermark: this.newestMs === null ? null : new Date(this.newestMs).toISOString(),
      },
    };
  }

  /** Counted and logged; the trace collector (the event's owner) dead-letters it. */
  private refuse(message: InvalidMessage): void {
    this.invalid += 1;
    eventsCounter.inc({ outcome: 'invalid' });
    this.log(
      `cost-aggregator: refusing an invalid request event (partition ${message.partition}, offset ${message.offset}): ${message.error}`,
    );
  }
}
