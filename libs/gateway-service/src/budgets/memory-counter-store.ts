import type { CounterCheck, CounterRef, CounterStore, ReserveResult } from './counter-store';

interface WindowEntry {
  value: bigint;
  expireAtMs: number;
}

interface BucketsEntry {
  buckets: Map<number, bigint>;
  expireAtMs: number;
}

/**
 * The counters in this process's memory: exact for the embedded default (one process), wrong for
 * several replicas (each would admit the whole budget), which is what OPTSCALE_REDIS_URL is for.
 * JavaScript runs one call at a time, so `reserve` is atomic by construction.
 */
export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, WindowEntry>();
  private readonly bucketSets = new Map<string, BucketsEntry>();

  /** The clock, for expiry only (tests). */
  constructor(private readonly now: () => number = Date.now) {}

  reserve(checks: readonly CounterCheck[]): Promise<ReserveResult> {
    for (const [index, check] of checks.entries()) {
      const stored = this.current(check.counter);
      const current = stored > check.floor ? stored : check.floor;
      if (current + check.amount > check.limit) {
        return Promise.resolve({ admitted: false, refused: index, current });
      }
    }
    for (const check of checks) {
      if (check.counter.kind === 'window') {
        const entry = this.window(check.counter);
        if (entry.value < check.floor) entry.value = check.floor;
        entry.value += check.amount;
      } else {
        this.addToBucket(check.counter, check.amount);
      }
    }
    return Promise.resolve({ admitted: true });
  }

  add(entries: readonly { counter: CounterRef; amount: bigint }[]): Promise<void> {
    for (const { counter, amount } of entries) {
      if (counter.kind === 'window') {
        const entry = this.window(counter);
        entry.value += amount;
        if (entry.value < 0n) entry.value = 0n;
      } else {
        this.addToBucket(counter, amount);
      }
    }
    this.sweep();
    return Promise.resolve();
  }

  read(counter: CounterRef): Promise<bigint> {
    return Promise.resolve(this.current(counter));
  }

  health(): { connected: boolean; lastError: string | null } {
    return { connected: true, lastError: null };
  }

  close(): Promise<void> {
    this.windows.clear();
    this.bucketSets.clear();
    return Promise.resolve();
  }

  private current(counter: CounterRef): bigint {
    const now = this.now();
    if (counter.kind === 'window') {
      const entry = this.windows.get(counter.key);
      return entry && entry.expireAtMs > now ? entry.value : 0n;
    }
    const entry = this.bucketSets.get(counter.key);
    if (!entry || entry.expireAtMs <= now) return 0n;
    let sum = 0n;
    for (const [start, value] of entry.buckets) if (start >= counter.oldestBucketMs) sum += value;
    return sum;
  }

  private window(counter: Extract<CounterRef, { kind: 'window' }>): WindowEntry {
    let entry = this.windows.get(counter.key);
    if (!entry || entry.expireAtMs <= this.now()) {
      entry = { value: 0n, expireAtMs: counter.expireAtMs };
      this.windows.set(counter.key, entry);
    }
    entry.expireAtMs = counter.expireAtMs;
    return entry;
  }

  private addToBucket(counter: Extract<CounterRef, { kind: 'buckets' }>, amount: bigint): void {
    let entry = this.bucketSets.get(counter.key);
    if (!entry || entry.expireAtMs <= this.now()) {
      entry = { buckets: new Map(), expireAtMs: counter.expireAtMs };
      this.bucketSets.set(counter.key, entry);
    }
    entry.expireAtMs = counter.expireAtMs;
    const value = (entry.buckets.get(counter.bucketStartMs) ?? 0n) + amount;
    entry.buckets.set(counter.bucketStartMs, value < 0n ? 0n : value);
    for (const start of entry.buckets.keys()) {
      if (start < counter.oldestBucketMs) entry.buckets.delete(start);
    }
  }

  /** Drops expired counters so that a long-running process does not keep every past window. */
  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.windows) if (entry.expireAtMs <= now) this.windows.delete(key);
    for (const [key, entry] of this.bucketSets) if (entry.expireAtMs <= now) this.bucketSets.delete(key);
  }
}
