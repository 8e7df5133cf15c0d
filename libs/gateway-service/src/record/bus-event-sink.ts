import { context, propagation } from '@opentelemetry/api';
import { BusPublishError, type Bus, type MessageHeaders } from '@optscale/bus';
import type { RequestEvent } from '@optscale/contracts';
import type { ReadinessCheck, ReadinessReport } from '@optscale/service-kit';
import { metrics } from '@optscale/telemetry';
import type { RequestEventSink } from '../pipeline/extensions';
import type { DiskSpool } from './disk-spool';

/** A request event as the spool keeps it: with the trace context of the request it records. */
export interface SpooledEvent {
  event: RequestEvent;
  headers: MessageHeaders;
}

export interface BusEventSinkOptions {
  /**
   * Where events go while the bus cannot take them (see the class comment). Without one, events
   * beyond `maxQueued` are dropped and counted, as an embedded gateway without a data folder does.
   */
  spool?: DiskSpool<SpooledEvent>;
  /** Events held in memory; beyond it they move to the spool, or are dropped without one (default 10 000). */
  maxQueued?: number;
  /** Events per publish (one Kafka produce request; default 200). */
  batchSize?: number;
  /** Serialized bytes per publish, below the broker's `message.max.bytes` (default 512 KiB). */
  maxBatchBytes?: number;
  /** First wait after a failed publish (default 100 ms); doubles per failure up to `maxRetryBackoffMs`. */
  retryBackoffMs?: number;
  maxRetryBackoffMs?: number;
  log?: (line: string) => void;
}

const TOPIC = 'optscale.gateway.requests.v1';
/**
 * With a spool, memory may hold this many times `maxQueued` while a spill is being written (a burst
 * arrives faster than one disk write); past it the disk is not keeping up and the newest are dropped.
 */
const SPILL_HEADROOM = 10;

/**
 * Sends every request event to `optscale.gateway.requests.v1` (policy statistics, the trace
 * collector and the cost aggregator consume it), off the response path: `emit` only queues in
 * memory and never waits or throws.
 *
 * One loop publishes, in order, in batches (`Bus.publishBatch`: one produce request, all or none
 * per partition), so events of an organization (the message key) reach Kafka in the order they
 * were recorded. The order of events is: the spool (oldest first), then memory.
 * - When a publish fails (Kafka down), the failed batch goes to the head of the spool and memory
 *   is spilled to its tail; the loop retries the spool's head with back-off. New events keep
 *   landing in memory and are spilled while the outage lasts, so a restart loses nothing.
 * - Memory past `maxQueued` (the bus is slower than the traffic) is spilled to the spool too.
 * - When the bus takes a batch again, the spool is replayed in order, each segment deleted only
 *   once all its events were acknowledged, and only then are newer events from memory sent.
 * - A spool that is full drops the newest events and counts them; readiness reports degraded while
 *   anything is spooled, a publish is failing, or events were dropped.
 * - An event the topic's contract refuses, or one Kafka refuses for good (too large), would block
 *   the queue forever: it is published alone, and dropped, logged and counted as `rejected`.
 *
 * Delivery is at least once: a publish whose acknowledgement is lost in an outage is sent again
 * (consumers deduplicate by request id). Trace context: the `traceparent` of the request that
 * produced the event is captured at `emit` (the record stage runs in the request's span) and
 * travels with it, through the spool if need be.
 */
export class BusEventSink implements RequestEventSink, ReadinessCheck {
  readonly name = 'request-events';
  private memory: SpooledEvent[] = [];
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private spilling: Promise<void> | undefined;
  private failing = false;
  private published = 0;
  private dropped = 0;
  private rejected = 0;
  private lastError: { message: string; at: string } | null = null;
  private readonly spool: DiskSpool<SpooledEvent> | undefined;
  private readonly maxQueued: number;
  private readonly batchSize: number;
  private readonly maxBatchBytes: number;
  private readonly retryBackoffMs: number;
  private readonly maxRetryBackoffMs: number;
  private readonly log: (line: string) => void;
  private waiters: (() => void)[] = [];
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly bus: Bus,
    options: BusEventSinkOptions = {},
  ) {
    this.spool = options.spool;
    this.maxQueued = options.maxQueued ?? 10_000;
    this.batchSize = options.batchSize ?? 200;
    this.maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
    this.retryBackoffMs = options.retryBackoffMs ?? 100;
    this.maxRetryBackoffMs = options.maxRetryBackoffMs ?? 5_000;
    this.log = options.log ?? ((line) => console.error(`[gateway] ${line}`));
    this.updateGauges();
    // Segments a previous process left are replayed at start, before anything newer.
    if (this.spool !== undefined && !this.spool.isEmpty()) this.start();
  }

  emit(event: RequestEvent): void {
    if (this.closed) return;
    const headers: MessageHeaders = {};
    propagation.inject(context.active(), headers);
    if (this.memory.length >= this.maxQueued) {
      // The spool takes memory over (spilling), unless the disk cannot keep up: then the newest go.
      if (this.spool === undefined || this.memory.length >= this.maxQueued * SPILL_HEADROOM) {
        if (this.dropped++ === 0)
          this.log('request event queue full: dropping events until the bus drains it');
        return;
      }
      void this.spill();
    }
    this.memory.push({ event, headers });
    this.start();
  }

  check(): ReadinessReport {
    const spool = this.spool?.stats();
    return {
      ready: true,
      degraded:
        this.failing ||
        this.dropped > 0 ||
        (spool !== undefined && spool.events > 0) ||
        (spool?.dropped ?? 0) > 0,
      detail: {
        queued: this.memory.length,
        published: this.published,
        dropped: this.dropped + (spool?.dropped ?? 0),
        rejected: this.rejected,
        failing: this.failing,
        lastError: this.lastError,
        ...(spool === undefined
          ? {}
          : {
              spool: { bytes: spool.bytes, events: spool.events, segments: spool.segments, torn: spool.torn },
            }),
      },
    };
  }

  /**
   * Resolves once every event is published, or, while publishing fails, once every event is safe
   * in the spool (or, without a spool, after the failure: what is in memory is then lost). Shutdown.
   */
  drain(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops publishing; what is still in memory goes to the spool. Call after `drain`. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.loop;
    await this.spill();
    await this.spool?.close();
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().finally(() => {
      this.running = false;
      this.releaseWaiters();
      // An event emitted while the loop was winding down.
      if (!this.closed && (this.memory.length > 0 || this.spool?.isEmpty() === false) && !this.failing)
        this.start();
    });
  }

  /** The publishing loop; a spool that fails (disk full, folder gone) is retried like the bus. */
  private async run(): Promise<void> {
    let backoff = this.retryBackoffMs;
    while (!this.closed) {
      try {
        const outcome = await this.step();
        if (outcome === 'idle') return;
        if (outcome === 'sent') {
          backoff = this.retryBackoffMs;
          continue;
        }
      } catch (error) {
        this.failing = true;
        this.recordError(error);
      }
      // Shutdown waits for "published or safe on disk": with a spool, everything is on disk now.
      if (this.spool !== undefined || this.memory.length === 0) this.releaseWaiters();
      else if (this.waiters.length > 0) return; // no spool: shutdown gives up on what is in memory
      await this.sleep(backoff);
      backoff = Math.min(backoff * 2, this.maxRetryBackoffMs);
    }
  }

  /** Publishes the next batch, oldest first; on failure moves it and memory to the spool. */
  private async step(): Promise<'sent' | 'idle' | 'failed'> {
    const replaying = this.spool?.isEmpty() === false ? this.spool : undefined;
    const fromSpool = replaying !== undefined;
    const batch = replaying
      ? await replaying.peek(this.batchSize, this.maxBatchBytes)
      : this.takeFromMemory();
    // An empty spool batch: a head segment of torn lines only was dropped; look again.
    if (batch.length === 0) return fromSpool ? 'sent' : 'idle';
    const done = await this.send(batch);
    if (fromSpool && done > 0) await this.spool?.ack(done);
    if (done === batch.length) {
      this.failing = false;
      this.updateGauges();
      return 'sent';
    }
    this.failing = true;
    const rest = batch.slice(done);
    if (!fromSpool) {
      if (this.spool !== undefined) await this.spool.prepend(rest);
      else this.memory.unshift(...rest);
    }
    await this.spill();
    this.updateGauges();
    return 'failed';
  }

  /**
   * Publishes a batch; resolves with how many of its first events are done (published, or rejected
   * for good). Never rejects.
   */
  private async send(batch: readonly SpooledEvent[]): Promise<number> {
    try {
      await this.bus.publishBatch(TOPIC, batch.map(toMessage));
      this.published += batch.length;
      return batch.length;
    } catch (error) {
      if (!isPermanent(error)) {
        this.recordError(error);
        return 0;
      }
    }
    // Something in the batch can never be published: one at a time, to drop only that.
    let done = 0;
    for (const item of batch) {
      try {
        await this.bus.publishBatch(TOPIC, [toMessage(item)]);
        this.published += 1;
      } catch (error) {
        if (!isPermanent(error)) {
          this.recordError(error);
          return done;
        }
        this.rejected += 1;
        this.log(`request event ${item.event.requestId} rejected: ${(error as Error).message}`);
      }
      done += 1;
    }
    return done;
  }

  private takeFromMemory(): SpooledEvent[] {
    let bytes = 0;
    let count = 0;
    while (count < this.memory.length && count < this.batchSize) {
      const size = approximateBytes((this.memory[count] as SpooledEvent).event);
      if (count > 0 && bytes + size > this.maxBatchBytes) break;
      bytes += size;
      count += 1;
    }
    return this.memory.splice(0, count);
  }

  /**
   * Moves memory to the spool's tail; one writer at a time, which goes on until memory is empty, so
   * awaiting it covers every event emitted before the call. `emit` does not await it.
   */
  private spill(): Promise<void> {
    this.spilling ??= this.spillAll().finally(() => (this.spilling = undefined));
    return this.spilling;
  }

  private async spillAll(): Promise<void> {
    if (this.spool === undefined) return;
    while (this.memory.length > 0) {
      const events = this.memory;
      this.memory = [];
      const kept = await this.spool.append(events).catch((error: unknown) => {
        this.recordError(error);
        return 0;
      });
      if (kept < events.length)
        this.log(`event spool full or failing: dropped ${events.length - kept} events`);
    }
    this.updateGauges();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private releaseWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private updateGauges(): void {
    const stats = this.spool?.stats();
    metrics.eventSpoolBytes.set(stats?.bytes ?? 0);
    metrics.eventSpoolEvents.set(stats?.events ?? 0);
  }

  private recordError(error: unknown): void {
    this.lastError = { message: (error as Error).message, at: new Date().toISOString() };
  }
}

function toMessage(item: SpooledEvent): { key: string; value: RequestEvent; headers: MessageHeaders } {
  return { key: item.event.organizationId, value: item.event, headers: item.headers };
}

/** Kafka error types that retrying cannot fix (kafkajs `KafkaJSProtocolError.type`). */
const PERMANENT_KAFKA_ERRORS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

/** An invalid event, or one Kafka refuses whatever happens (also when wrapped by kafkajs retries). */
function isPermanent(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    if (e instanceof BusPublishError) return true;
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && PERMANENT_KAFKA_ERRORS.has(type)) return true;
    e = (e as { cause?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  return false;
}

/**
 * An event's encoded size, closely enough to keep a batch under `maxBatchBytes` without encoding
 * every event once more (the bus encodes it anyway): a request event is about a kilobyte of fixed
 * fields plus what grows with the request, its logged bodies, attempts and policy evaluations.
 */
export function approximateBytes(event: RequestEvent): number {
  let bytes = 1536 + (event.errorMessage?.length ?? 0) + (event.userAgent?.length ?? 0);
  if (event.content !== undefined)
    bytes += 2 * (event.content.request.length + event.content.response.length);
  bytes += 256 * (event.routing?.attempts.length ?? 0);
  for (const policy of event.policies ?? []) bytes += 384 + 256 * policy.guardrails.length;
  return bytes;
}
