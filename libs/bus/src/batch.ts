import type { Topic } from '@optscale/contracts';
import type { BusMessage, InvalidMessage } from './bus';

/** What a batch handler may do while it works (besides returning). */
export interface BatchContext {
  /**
   * Tells the group this member is alive. Call it during long writes (a batch insert that waits for
   * a slow store) so the broker does not hand the partition to another member meanwhile.
   */
  heartbeat(): Promise<void>;
}

/**
 * Handles one batch of parsed messages of one partition (Kafka) or of the member's queue
 * (in-process). Resolving means "stored": the offsets are committed only then. Throwing means
 * nothing of the batch is committed; it is handed over again after a backoff, so a consumer whose
 * store is down holds its position and retries instead of skipping.
 */
export type BatchHandler<T extends Topic> = (
  messages: readonly BusMessage<T>[],
  context: BatchContext,
) => Promise<void>;

export interface BatchSubscribeOptions {
  /** The consumer group (required: batches exist to commit a group's position after a write). */
  group: string;
  /** Where a group without a stored position starts (default true: the earliest retained message). */
  fromBeginning?: boolean;
  /**
   * Receives every message the contract refuses, before the valid messages of its batch are handed
   * over; its offset is committed with the batch. Throwing fails the batch like a handler would.
   */
  onInvalid: (message: InvalidMessage) => void | Promise<void>;
  /** Largest batch handed to the handler (default 500). */
  maxBatchSize?: number;
  /**
   * In-process bus only: how long the first queued message waits for more to join its batch before
   * the batch is handed over (default 0: the next turn of the event loop). A store that pays per
   * insert (chDB's parts and materialized views) wants fewer, larger batches; the wait adds to the
   * time until an event is visible. Kafka batches are what one fetch returned.
   */
  maxWaitMs?: number;
  /** First wait before a failed batch is handed over again (default 500 ms); doubles per failure. */
  retryBackoffMs?: number;
  /** Longest wait between attempts of a failing batch (default 15 000 ms). */
  maxRetryBackoffMs?: number;
}

/** How far a group is behind its topic, for metrics and health. */
export interface ConsumerLag {
  /** Messages not yet committed, over all partitions. */
  total: number;
  partitions: { partition: number; lag: number }[];
}

export interface BatchSubscription {
  readonly topic: Topic;
  /** Resolves once the subscription is running (the group joined). */
  caughtUp(): Promise<void>;
  /** Messages of the topic the group has not committed yet. */
  lag(): Promise<ConsumerLag>;
  /**
   * Stops delivery. A batch in progress finishes its current attempt; a batch that was not committed
   * is handed to the next member (Kafka) or dropped with the process (in-process: no durable log).
   */
  close(): Promise<void>;
}

/** The wait before attempt `failures + 1` of a failing batch: exponential, capped. */
export function retryDelayMs(
  failures: number,
  options: Pick<BatchSubscribeOptions, 'retryBackoffMs' | 'maxRetryBackoffMs'>,
): number {
  const first = options.retryBackoffMs ?? 500;
  const cap = options.maxRetryBackoffMs ?? 15_000;
  return Math.min(cap, first * 2 ** Math.max(0, Math.min(failures - 1, 20)));
}

export const DEFAULT_MAX_BATCH_SIZE = 500;
