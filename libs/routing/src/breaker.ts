export interface BreakerOptions {
  /** Share of failed requests (0..1) in the window at which the breaker opens. */
  failureRateThreshold: number;
  /** No verdict on fewer requests than this: two failures out of three prove nothing. */
  minimumRequests: number;
  windowMs: number;
  /** How long an open breaker rejects before letting one probe through. */
  cooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = Object.freeze({
  failureRateThreshold: 0.5,
  minimumRequests: 10,
  windowMs: 30_000,
  cooldownMs: 30_000,
});

export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * The window is kept as counts in this many time buckets rather than one entry per request, so
 * memory stays constant under any traffic. An outcome therefore leaves the window between
 * `windowMs` and `windowMs + windowMs / BUCKETS` after it was recorded.
 */
const BUCKETS = 10;

interface Bucket {
  start: number;
  successes: number;
  failures: number;
}

/**
 * Per-target circuit breaker: rolling window of outcomes; opens when failures/total >= threshold
 * with total >= minimumRequests; after cooldown lets ONE probe through (half_open); probe success
 * closes, failure re-opens.
 *
 * In half_open the first outcome recorded decides, whichever request it came from; outcomes
 * recorded while open (requests that started before it opened) are ignored.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private openUntil = 0;
  private probeInFlight = false;
  private buckets: Bucket[] = [];
  private readonly bucketMs: number;

  constructor(
    private readonly options: BreakerOptions,
    private readonly now: () => number,
  ) {
    this.bucketMs = Math.max(1, options.windowMs / BUCKETS);
  }

  /** Whether a request may go to this target now (closed; or half-open and no probe in flight → takes the probe). */
  tryAcquire(): boolean {
    switch (this.state()) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half_open':
        if (this.probeInFlight) return false;
        this.probeInFlight = true;
        return true;
    }
  }

  record(success: boolean): void {
    switch (this.state()) {
      case 'open':
        return;
      case 'half_open':
        if (success) this.close();
        else this.open(this.now() + this.options.cooldownMs);
        return;
      case 'closed':
        this.count(success);
        if (this.shouldOpen()) this.open(this.now() + this.options.cooldownMs);
        return;
    }
  }

  state(): BreakerState {
    if (this.current === 'open' && this.now() >= this.openUntil) {
      this.current = 'half_open';
      this.probeInFlight = false;
    }
    return this.current;
  }

  /** Forces open until `untilMs` (shared health from the router, later). */
  forceOpen(untilMs: number): void {
    this.open(untilMs);
  }

  private open(untilMs: number): void {
    this.current = 'open';
    this.openUntil = untilMs;
    this.probeInFlight = false;
    this.buckets = [];
  }

  private close(): void {
    this.current = 'closed';
    this.probeInFlight = false;
    this.buckets = [];
  }

  private count(success: boolean): void {
    const now = this.now();
    const start = Math.floor(now / this.bucketMs) * this.bucketMs;
    let last = this.buckets[this.buckets.length - 1];
    if (last === undefined || last.start !== start) {
      last = { start, successes: 0, failures: 0 };
      this.buckets.push(last);
    }
    if (success) last.successes++;
    else last.failures++;
  }

  private shouldOpen(): boolean {
    const horizon = this.now() - this.options.windowMs;
    // A bucket leaves once all of it is older than the window.
    this.buckets = this.buckets.filter((b) => b.start + this.bucketMs > horizon);
    let failures = 0;
    let total = 0;
    for (const b of this.buckets) {
      failures += b.failures;
      total += b.failures + b.successes;
    }
    return (
      total > 0 &&
      total >= this.options.minimumRequests &&
      failures / total >= this.options.failureRateThreshold
    );
  }
}

/** Breakers by target id (`<proxy>/<model>`), created on demand. */
export class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly options: BreakerOptions,
    private readonly now: () => number,
  ) {}

  get(targetId: string): CircuitBreaker {
    let breaker = this.breakers.get(targetId);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(this.options, this.now);
      this.breakers.set(targetId, breaker);
    }
    return breaker;
  }

  states(): Record<string, BreakerState> {
    const states: Record<string, BreakerState> = {};
    for (const [id, breaker] of this.breakers) states[id] = breaker.state();
    return states;
  }
}
