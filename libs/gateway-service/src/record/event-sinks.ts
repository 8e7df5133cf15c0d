import { appendFile } from 'node:fs/promises';
import type { RequestEvent } from '@optscale/contracts';
import type { RequestEventSink } from '../pipeline/extensions';

/** Keeps the last `capacity` events in memory (tests, the embedded default's recent view): a ring. */
export class MemoryEventSink implements RequestEventSink {
  private readonly ring: RequestEvent[] = [];
  private next = 0;

  constructor(private readonly capacity = 10_000) {}

  emit(event: RequestEvent): void {
    if (this.ring.length < this.capacity) this.ring.push(event);
    else this.ring[this.next] = event;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  all(): RequestEvent[] {
    if (this.ring.length < this.capacity) return [...this.ring];
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  find(requestId: string): RequestEvent | undefined {
    return this.ring.find((e) => e.requestId === requestId);
  }
}

/**
 * Appends events as JSON lines to a file in batches, off the response path: `emit` only pushes to
 * an array; a timer flushes. Until the telemetry pipeline (Kafka → ClickHouse) exists this is the
 * embedded default's durable record.
 */
export class JsonLinesEventSink implements RequestEventSink {
  private batch: string[] = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    flushIntervalMs = 500,
  ) {
    this.timer = setInterval(() => void this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  emit(event: RequestEvent): void {
    this.batch.push(JSON.stringify(event));
  }

  flush(): Promise<void> {
    if (this.batch.length === 0) return this.flushing;
    const lines = this.batch.join('\n') + '\n';
    this.batch = [];
    this.flushing = this.flushing.then(() => appendFile(this.path, lines)).catch(() => undefined);
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/** Fans one event out to several sinks. */
export class FanOutEventSink implements RequestEventSink {
  constructor(private readonly sinks: readonly RequestEventSink[]) {}

  emit(event: RequestEvent): void {
    for (const sink of this.sinks) sink.emit(event);
  }
}
