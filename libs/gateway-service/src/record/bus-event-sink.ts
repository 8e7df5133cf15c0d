import type { Bus } from '@optscale/bus';
import type { RequestEvent } from '@optscale/contracts';
import type { ReadinessCheck, ReadinessReport } from '@optscale/service-kit';
import type { RequestEventSink } from '../pipeline/extensions';

export interface BusEventSinkOptions {
  /** Events waiting to be published; beyond it new events are dropped and counted (default 10 000). */
  maxQueued?: number;
  /** Events published concurrently (default 64: the Kafka producer batches them). */
  concurrency?: number;
  log?: (line: string) => void;
}

/**
 * Sends every request event to `optscale.gateway.requests.v1` (the policy statistics and, later, the
 * trace collector consume it), off the response path: `emit` only queues. A bounded queue protects
 * the gateway's memory while the bus is unreachable; what overflows is dropped and counted, and
 * readiness reports it as degraded. The durable on-disk spool that loses nothing during a Kafka
 * outage belongs to the telemetry pipeline (issue 4) and replaces this bound.
 */
export class BusEventSink implements RequestEventSink, ReadinessCheck {
  readonly name = 'request-events';
  private readonly queue: RequestEvent[] = [];
  private inFlight = 0;
  private published = 0;
  private dropped = 0;
  private failed = 0;
  private lastError: { message: string; at: string } | null = null;
  private readonly maxQueued: number;
  private readonly concurrency: number;
  private readonly log: (line: string) => void;
  private idle: (() => void) | undefined;

  constructor(
    private readonly bus: Bus,
    options: BusEventSinkOptions = {},
  ) {
    this.maxQueued = options.maxQueued ?? 10_000;
    this.concurrency = options.concurrency ?? 64;
    this.log = options.log ?? ((line) => console.error(`[gateway] ${line}`));
  }

  emit(event: RequestEvent): void {
    if (this.queue.length >= this.maxQueued) {
      if (this.dropped++ === 0) this.log('request event queue full: dropping events until the bus drains it');
      return;
    }
    this.queue.push(event);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const event = this.queue.shift() as RequestEvent;
      this.inFlight += 1;
      this.bus
        .publish('optscale.gateway.requests.v1', event.organizationId, event)
        .then(
          () => {
            this.published += 1;
          },
          (error: unknown) => {
            this.failed += 1;
            this.lastError = { message: (error as Error).message, at: new Date().toISOString() };
          },
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
          if (this.inFlight === 0 && this.queue.length === 0) this.idle?.();
        });
    }
  }

  check(): ReadinessReport {
    return {
      ready: true,
      degraded: this.dropped > 0 || this.lastError !== null,
      detail: {
        queued: this.queue.length,
        published: this.published,
        dropped: this.dropped,
        failed: this.failed,
        lastError: this.lastError,
      },
    };
  }

  /** Resolves once everything queued has been published or has failed (shutdown). */
  drain(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }
}
