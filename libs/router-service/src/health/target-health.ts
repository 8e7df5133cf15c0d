import { targetHealthMessageKey, type RouteAttempt, type TargetHealth } from '@optscale/contracts';
import { CircuitBreaker, isTransient, type BreakerOptions } from '@optscale/routing';

/**
 * What one attempt of a request event says about its target, judged exactly as the gateway's route
 * stage feeds its own breaker (libs/gateway-service/src/pipeline/route-call.ts), so the router and
 * the gateways agree on what "failing" means:
 * - `error` null: the target answered, a success;
 * - `circuit open`: the gateway never called the target, so it is no outcome at all;
 * - a status the target answered with: a failure only when transient (429, 5xx…); a 400 is the
 *   request's fault and counts for the target, as it does in the gateway;
 * - no status (timeout, connection error): a failure.
 */
export function outcomeOf(attempt: RouteAttempt): boolean | undefined {
  if (attempt.error === null) return true;
  if (attempt.error === 'circuit open') return undefined;
  if (attempt.status === null) return false;
  return !isTransient({ kind: 'status', status: attempt.status });
}

/** Same bucketing as the breaker's window (libs/routing/src/breaker.ts), so the numbers are its. */
const BUCKETS = 10;

/**
 * The outcomes behind the breaker's verdicts, kept beside it because `CircuitBreaker` does not
 * expose its window: reset at every verdict, buckets leaving after `windowMs`.
 */
class OutcomeWindow {
  private buckets: Array<{ start: number; successes: number; failures: number }> = [];
  private readonly bucketMs: number;

  constructor(private readonly windowMs: number) {
    this.bucketMs = Math.max(1, windowMs / BUCKETS);
  }

  count(success: boolean, now: number): void {
    const start = Math.floor(now / this.bucketMs) * this.bucketMs;
    let last = this.buckets[this.buckets.length - 1];
    if (last === undefined || last.start !== start) {
      last = { start, successes: 0, failures: 0 };
      this.buckets.push(last);
    }
    if (success) last.successes++;
    else last.failures++;
  }

  stats(now: number): { failureRate: number; requests: number } {
    const horizon = now - this.windowMs;
    this.buckets = this.buckets.filter((b) => b.start + this.bucketMs > horizon);
    let failures = 0;
    let requests = 0;
    for (const b of this.buckets) {
      failures += b.failures;
      requests += b.failures + b.successes;
    }
    return { failureRate: requests === 0 ? 0 : failures / requests, requests };
  }

  reset(): void {
    this.buckets = [];
  }
}

interface Target {
  organizationId: string;
  provider: string;
  model: string;
  breaker: CircuitBreaker;
  window: OutcomeWindow;
  /** The verdict that opened the breaker last: until when, and the numbers that tripped it. */
  opened?: { openUntil: number; failureRate: number; requests: number };
  /** What the topic says about the target now; undefined: nothing published (closed by default). */
  published?: { state: TargetHealth['state']; openUntil: number | null };
  lastOutcomeAt: number;
}

/**
 * One circuit breaker per (organization, target), fed by the attempts of every gateway replica's
 * request events, and the health messages that follow from them. Pure: the clock comes in, messages
 * go out as values; the consumer publishes them and confirms what went through, so a publish that
 * failed stays pending and the next `sweep` tries again.
 *
 * The published state is the breaker's: `open` while it is open, `closed` otherwise. `closed` thus
 * goes out once the cooldown has passed (the breaker turns half-open: the gateways may probe),
 * whether or not a probe succeeded yet; a failed probe re-opens it and publishes a new `open`.
 * Only changes are published.
 *
 * The windows run on the router's clock, not on the events' times. Memory is bounded by the targets
 * that had outcomes lately: healthy, idle targets are forgotten by `sweep`.
 */
export class TargetHealthTracker {
  private readonly targets = new Map<string, Target>();

  constructor(
    private readonly options: BreakerOptions,
    private readonly now: () => number,
  ) {}

  /** Feeds one attempt; returns the message key of its target when the attempt counted. */
  record(organizationId: string, attempt: RouteAttempt): string | undefined {
    const success = outcomeOf(attempt);
    if (success === undefined) return undefined;
    const key = targetHealthMessageKey(organizationId, attempt.provider, attempt.model);
    const target = this.target(key, organizationId, attempt);
    const now = this.now();
    target.lastOutcomeAt = now;
    const before = target.breaker.state();
    target.breaker.record(success);
    // While open the breaker ignores outcomes (requests that started before it opened, replicas
    // that had not heard yet). Half-open, the probe is counted too: it decides, and every verdict
    // restarts the window, so it only shows in the numbers of a re-opening.
    if (before !== 'open') target.window.count(success, now);
    const after = target.breaker.state();
    if (after === 'open' && before !== 'open') {
      target.opened = { openUntil: now + this.options.cooldownMs, ...target.window.stats(now) };
      target.window.reset();
    } else if (after === 'closed' && before === 'half_open') {
      target.window.reset();
    }
    return key;
  }

  /** The message to publish for one target, when the topic does not say what its breaker says. */
  pending(key: string): TargetHealth | undefined {
    const target = this.targets.get(key);
    if (target === undefined) return undefined;
    const message = this.messageOf(target);
    const published = target.published ?? { state: 'closed', openUntil: null };
    if (message.state === published.state && openUntilOf(message) === published.openUntil) return undefined;
    return message;
  }

  /** Records that `message` is on the topic now. */
  confirm(message: TargetHealth): void {
    const key = targetHealthMessageKey(message.organizationId, message.provider, message.model);
    const target = this.targets.get(key);
    if (target !== undefined) target.published = { state: message.state, openUntil: openUntilOf(message) };
  }

  /**
   * Every message due, in particular `closed` for targets whose cooldown passed without traffic, and
   * those whose publish failed. Forgets targets that are closed, published closed and idle for a
   * window and a cooldown: their breaker would start from nothing anyway.
   */
  sweep(): TargetHealth[] {
    const now = this.now();
    const due: TargetHealth[] = [];
    for (const [key, target] of this.targets) {
      const message = this.pending(key);
      if (message !== undefined) {
        due.push(message);
        continue;
      }
      const idleMs = now - target.lastOutcomeAt;
      if (
        target.breaker.state() !== 'open' &&
        target.published?.state !== 'open' &&
        idleMs > this.options.windowMs + this.options.cooldownMs
      )
        this.targets.delete(key);
    }
    return due;
  }

  /** How many targets are open now, and how many are tracked (readiness detail). */
  counts(): { open: number; tracked: number } {
    let open = 0;
    for (const target of this.targets.values()) if (target.breaker.state() === 'open') open++;
    return { open, tracked: this.targets.size };
  }

  private target(key: string, organizationId: string, attempt: RouteAttempt): Target {
    let target = this.targets.get(key);
    if (target === undefined) {
      target = {
        organizationId,
        provider: attempt.provider,
        model: attempt.model,
        breaker: new CircuitBreaker(this.options, this.now),
        window: new OutcomeWindow(this.options.windowMs),
        lastOutcomeAt: this.now(),
      };
      this.targets.set(key, target);
    }
    return target;
  }

  private messageOf(target: Target): TargetHealth {
    const base = {
      organizationId: target.organizationId,
      provider: target.provider,
      model: target.model,
      updatedAt: new Date(this.now()).toISOString(),
    };
    if (target.breaker.state() === 'open' && target.opened !== undefined) {
      const { openUntil, failureRate, requests } = target.opened;
      return { ...base, state: 'open', openUntil: new Date(openUntil).toISOString(), failureRate, requests };
    }
    const { failureRate, requests } = target.window.stats(this.now());
    return { ...base, state: 'closed', openUntil: null, failureRate, requests };
  }
}

function openUntilOf(message: TargetHealth): number | null {
  return message.openUntil === null ? null : Date.parse(message.openUntil);
}
