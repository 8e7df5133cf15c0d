import {
  deadLetterTo,
  type BatchContext,
  type BatchSubscription,
  type Bus,
  type InvalidMessage,
} from '@optscale/bus';
import type { ClickHouse } from '@optscale/clickhouse';
import type { RequestEvent } from '@optscale/contracts';
import type { ReadinessCheck, ReadinessReport } from '@optscale/service-kit';
import { metrics } from '@optscale/telemetry';
import { startedRange, uniqueByRequestId } from './dedupe';
import { toTraceRow } from './trace-row';
import { existingRequestIdsSql } from './traces.query';

/** The consumer group of the trace collector: one member of the group gets each request event. */
export const TRACE_COLLECTOR_GROUP = 'trace-collector';
const TOPIC = 'optscale.gateway.requests.v1';
/** How often the consumer-lag gauge is refreshed (besides every `/readyz`). */
const LAG_REFRESH_MS = 15_000;

export interface TraceCollectorOptions {
  log?: (line: string) => void;
  /** Largest batch per insert (default 500). */
  maxBatchSize?: number;
  /**
   * In-process bus (embedded): how long events wait for more to join their insert (default 200 ms).
   * Each insert costs chDB a part and a materialized-view pass, far more than a row, so one insert
   * per request would cost the embedded gateway several times its own CPU per request. Kafka
   * batches are what one fetch returned.
   */
  maxWaitMs?: number;
  /** First wait before a failed batch is retried (default 500 ms, doubling up to 15 s). */
  retryBackoffMs?: number;
  maxRetryBackoffMs?: number;
  now?: () => Date;
}

/**
 * Writes the gateways' request events (`optscale.gateway.requests.v1`) to the ClickHouse `traces`
 * table, one row per request, exactly once as far as readers can tell:
 *
 * - Batches are committed only after ClickHouse accepted the insert (`Bus.subscribeBatch`). When
 *   ClickHouse is down the batch fails and is retried with backoff: the collector holds its position,
 *   never skips; lag grows and `/readyz` says degraded.
 * - Idempotent by request id: a batch is deduplicated in itself, and ids already in `traces` (a
 *   redelivery after a crash between insert and commit) are dropped before inserting. The table is a
 *   ReplacingMergeTree on the same key as belt and braces; readers use FINAL.
 * - Refused messages go to `optscale.gateway.requests.v1.dlq` with the reason: this service owns the
 *   event's dead letters (the policy statistics and the cost aggregator only count them).
 *
 * `usage_hourly` is filled from `traces` by the materialized view, so this insert is also what makes
 * a request visible in the Usage API.
 */
export class TraceCollector implements ReadinessCheck {
  readonly name = 'consumer:trace-collector';
  private subscription: BatchSubscription | undefined;
  /** Refreshes the consumer-lag gauge between `/readyz` polls. */
  private lagTimer: NodeJS.Timeout | undefined;
  private written = 0;
  private duplicates = 0;
  private invalid = 0;
  private failedBatches = 0;
  private failing = false;
  private lastError: { message: string; at: string } | null = null;
  /** `startedAt` of the newest event written (Unix ms): how far the traces reach. */
  private watermarkMs: number | null = null;
  private readonly log: (line: string) => void;
  private readonly now: () => Date;

  constructor(
    private readonly bus: Bus,
    private readonly clickhouse: ClickHouse,
    private readonly options: TraceCollectorOptions = {},
  ) {
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.now = options.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    const toDlq = deadLetterTo(this.bus, TOPIC);
    this.subscription = await this.bus.subscribeBatch(
      TOPIC,
      async (messages, context) => {
        await this.write(
          messages.map((m) => m.value),
          context,
        );
      },
      {
        group: TRACE_COLLECTOR_GROUP,
        maxBatchSize: this.options.maxBatchSize ?? 5000,
        maxWaitMs: this.options.maxWaitMs ?? 1000,
        ...(this.options.retryBackoffMs === undefined ? {} : { retryBackoffMs: this.options.retryBackoffMs }),
        ...(this.options.maxRetryBackoffMs === undefined
          ? {}
          : { maxRetryBackoffMs: this.options.maxRetryBackoffMs }),
        onInvalid: async (message) => {
          await toDlq(message);
          this.refused(message);
        },
      },
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

  /**
   * Stores one batch; resolves when ClickHouse accepted it, throws (so nothing is committed) when
   * it did not. Returns how many rows were inserted.
   */
  async write(events: readonly RequestEvent[], context?: BatchContext): Promise<number> {
    try {
      const unique = uniqueByRequestId(events);
      const existing = await this.existing(unique);
      const fresh = unique.filter((event) => !existing.has(event.requestId));
      this.duplicates += events.length - fresh.length;
      if (fresh.length > 0) {
        const ingestedAt = this.now();
        await context?.heartbeat();
        const stopTimer = metrics.clickhouseInsertDuration.startTimer({ table: 'traces' });
        await this.clickhouse.insert(
          'traces',
          fresh.map((event) => toTraceRow(event, ingestedAt)),
        );
        stopTimer();
      }
      this.written += fresh.length;
      for (const event of fresh) this.watermarkMs = Math.max(this.watermarkMs ?? 0, event.timings.startedAt);
      this.failing = false;
      return fresh.length;
    } catch (error) {
      this.failedBatches += 1;
      this.failing = true;
      this.lastError = { message: (error as Error).message, at: this.now().toISOString() };
      this.log(
        `trace-collector: batch of ${events.length} not stored, will retry: ${this.lastError.message}`,
      );
      throw error;
    }
  }

  /** Messages the group has not committed yet (also published as the consumer lag gauge). */
  async lag(): Promise<number> {
    if (this.subscription === undefined) return 0;
    const { total } = await this.subscription.lag();
    metrics.kafkaConsumerLag.set({ group: TRACE_COLLECTOR_GROUP, topic: TOPIC }, total);
    return total;
  }

  async check(): Promise<ReadinessReport> {
    const lag = await this.lag().catch(() => null);
    return {
      ready: this.subscription !== undefined,
      degraded: this.failing,
      detail: {
        written: this.written,
        duplicatesSkipped: this.duplicates,
        invalid: this.invalid,
        failedBatches: this.failedBatches,
        lag,
        watermark: this.watermarkMs === null ? null : new Date(this.watermarkMs).toISOString(),
        lastError: this.lastError,
      },
    };
  }

  private async existing(events: readonly RequestEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const rows = await this.clickhouse.query<{ request_id: string }>(
      existingRequestIdsSql(
        events.map((e) => ({ organizationId: e.organizationId, requestId: e.requestId })),
        startedRange(events),
      ),
    );
    return new Set(rows.map((row) => row.request_id));
  }

  private refused(message: InvalidMessage): void {
    this.invalid += 1;
    this.log(
      `trace-collector: dead-lettered an invalid request event (partition ${message.partition}, offset ${message.offset}): ${message.error}`,
    );
  }
}
