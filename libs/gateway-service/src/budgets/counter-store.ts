/*
 * Live counters of budgets and rate limits, shared by every gateway replica (Redis) or private to
 * the one process of the embedded default (memory). Both stores implement exactly these semantics,
 * checked by one shared spec (counter-store.contract.ts).
 */

/**
 * One counter. `window`: a single integer for a fixed window (a calendar period, a rate-limit
 * minute); the window's start is part of the key, so a new period starts a new counter and the old
 * one expires. `buckets`: a rolling period, one integer per bucket (Redis: fields of one hash),
 * summed from `oldestBucketMs` on; amounts are added to `bucketStartMs`.
 */
export type CounterRef =
  | { kind: 'window'; key: string; expireAtMs: number }
  | { kind: 'buckets'; key: string; bucketStartMs: number; oldestBucketMs: number; expireAtMs: number };

/** One limit to check and, if every check passes, to count. */
export interface CounterCheck {
  counter: CounterRef;
  /** The most the counter may hold after this request's `amount` is added. */
  limit: bigint;
  /** What this request adds (a worst-case cost in nanodollars, a token estimate, 1 request). */
  amount: bigint;
  /**
   * What the counter holds at least, whatever the store says: the spend the cost aggregator
   * computed (a fresh replica, a Redis that lost its data). A `window` counter below it is raised to
   * it when counted; a `buckets` counter is only compared with it. 0 when unknown.
   */
  floor: bigint;
}

export type ReserveResult =
  | { admitted: true }
  /** `refused` is the index of the first check that would go over its limit; nothing was counted. */
  | { admitted: false; refused: number; current: bigint };

export interface CounterStore {
  /**
   * Atomically: check every limit (current + amount ≤ limit, current = max(counter, floor)), then
   * count every amount; or count nothing and name the first check that would exceed its limit.
   */
  reserve(checks: readonly CounterCheck[]): Promise<ReserveResult>;
  /**
   * Adds signed amounts (settling: the real cost minus the reservation). A counter never goes below
   * 0 (a reservation that a Redis restart lost is not subtracted twice).
   */
  add(entries: readonly { counter: CounterRef; amount: bigint }[]): Promise<void>;
  /** The counter's current value over its window (without any floor): for tests and operators. */
  read(counter: CounterRef): Promise<bigint>;
  /** Whether the store can be reached right now. */
  health(): { connected: boolean; lastError: string | null };
  close(): Promise<void>;
}
