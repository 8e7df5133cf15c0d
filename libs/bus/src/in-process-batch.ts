import type { Topic } from '@optscale/contracts';
import { DEFAULT_MAX_BATCH_SIZE, retryDelayMs, type BatchHandler, type BatchSubscribeOptions } from './batch';
import type { BusMessage, MessageHeaders } from './bus';
import { decodeStored, type StoredBytes } from './codec';

/** A message as the in-process bus stores it (bytes, as on Kafka). */
export interface QueuedMessage extends StoredBytes {
  headers: MessageHeaders;
  offset: number;
}

/**
 * One member of a batch-consuming group on the in-process bus: messages queue up here and are
 * handed over in batches of at most `maxBatchSize`, one batch at a time. A batch leaves the queue
 * only when its handler resolved ("committed"); a handler that throws gets the same batch again
 * after an exponential backoff, so the embedded collector holds while chDB refuses writes.
 */
export class InProcessBatchMember<T extends Topic> {
  private readonly queue: QueuedMessage[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  /** Ends the wait for a batch to fill up, once it is full or the member closes. */
  private filled: (() => void) | undefined;

  constructor(
    private readonly topic: T,
    private readonly handler: BatchHandler<T>,
    private readonly options: BatchSubscribeOptions,
    private readonly recordError: (error: unknown) => void,
  ) {}

  /** Messages queued and not yet handled: the in-process consumer lag. */
  get lag(): number {
    return this.queue.length;
  }

  push(message: QueuedMessage): void {
    if (this.closed) return;
    this.queue.push(message);
    if (this.queue.length >= this.maxBatchSize) this.filled?.();
    // Deliver on a later turn, so messages published together arrive as one batch.
    this.draining ??= this.waitToFill().then(() => this.drain());
  }

  private get maxBatchSize(): number {
    return this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  }

  /** The next turn, or up to `maxWaitMs` while the batch is not full. */
  private waitToFill(): Promise<void> {
    const wait = this.options.maxWaitMs ?? 0;
    if (wait <= 0) return new Promise<void>((resolve) => setImmediate(resolve));
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.filled = undefined;
        resolve();
      };
      const timer = setTimeout(done, wait);
      this.filled = done;
    });
  }

  /** Stops after the attempt in progress; what is still queued is dropped (no durable log). */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    this.filled?.();
    await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      let failures = 0;
      while (!this.closed && this.queue.length > 0) {
        const batch = this.queue.slice(0, this.maxBatchSize);
        try {
          await this.handle(batch);
          this.queue.splice(0, batch.length);
          failures = 0;
          // What arrived meanwhile waits for company too, or a busy stream would go out in slivers.
          if (this.queue.length > 0 && this.queue.length < this.maxBatchSize) await this.waitToFill();
        } catch (error) {
          failures += 1;
          this.recordError(error);
          await this.sleep(retryDelayMs(failures, this.options));
        }
      }
    } finally {
      this.draining = undefined;
    }
  }

  private async handle(batch: readonly QueuedMessage[]): Promise<void> {
    const valid: BusMessage<T>[] = [];
    for (const stored of batch) {
      const position = { headers: { ...stored.headers }, partition: 0, offset: String(stored.offset) };
      const decoded = decodeStored(this.topic, stored);
      if (decoded.ok) valid.push({ topic: this.topic, key: decoded.key, value: decoded.value, ...position });
      else
        await this.options.onInvalid({
          topic: this.topic,
          key: stored.key,
          value: stored.value,
          error: decoded.error,
          ...position,
        });
    }
    if (valid.length > 0) await this.handler(valid, { heartbeat: () => Promise.resolve() });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
