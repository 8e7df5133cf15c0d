import type { Bus, BusMessage, InvalidMessage, Subscription } from '@optscale/bus';
import { targetHealthMessageKey, type TargetHealth } from '@optscale/contracts';
import { DEFAULT_BREAKER, type BreakerOptions } from '@optscale/routing';
import type { ReadinessCheck, ReadinessReport } from '@optscale/service-kit';
import { TargetHealthTracker } from './target-health';

export interface TargetHealthConsumerOptions {
  bus: Bus;
  /** Default: the gateway's defaults (DEFAULT_BREAKER), so both judge a target alike. */
  breaker?: Partial<BreakerOptions>;
  /** How often due messages go out: cooldowns that passed, failed publishes (default 1 s). */
  sweepIntervalMs?: number;
  /** Wall-clock ms: `openUntil` is compared with the gateways' clocks (tests). */
  now?: () => number;
  log?: (line: string) => void;
}

/** The consumer group: router replicas share the request events, one organization per member. */
export const HEALTH_CONSUMER_GROUP = 'router-health';

/**
 * The router's health part: reads every gateway's request events (`optscale.gateway.requests.v1`,
 * group `router-health`), feeds the attempts into per-target circuit breakers
 * (`TargetHealthTracker`), and publishes their changes on the compacted `optscale.router.health.v1`,
 * which every gateway replica folds into its own breakers.
 *
 * Request events are keyed by organization, so one organization's events reach one router replica
 * and its breakers are whole there; a rebalance starts the moved organizations' breakers afresh,
 * which costs at most one more window of failures before they open again.
 *
 * A new group starts at the end of the topic: old events say nothing about a target now (the
 * breakers count on the router's clock). A refused event is logged and counted, not dead-lettered:
 * the DLQ belongs to the topic's recording consumer, which sees the same bytes.
 */
export class TargetHealthConsumer implements ReadinessCheck {
  readonly name = 'router-health';
  private readonly tracker: TargetHealthTracker;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  /** Publishes run one at a time, so two verdicts on a target cannot overtake each other. */
  private chain: Promise<void> = Promise.resolve();
  private started = false;
  private invalidMessages = 0;
  private published = 0;
  private lastError: { message: string; at: string } | null = null;

  constructor(private readonly options: TargetHealthConsumerOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line) => console.error(`[router] ${line}`));
    this.tracker = new TargetHealthTracker({ ...DEFAULT_BREAKER, ...options.breaker }, this.now);
  }

  async start(): Promise<void> {
    this.subscription = await this.options.bus.subscribe(
      'optscale.gateway.requests.v1',
      (message) => this.onEvent(message),
      {
        group: HEALTH_CONSUMER_GROUP,
        fromBeginning: false,
        onInvalid: (message) => this.onInvalid(message),
      },
    );
    await this.subscription.caughtUp();
    this.timer = setInterval(
      () => void this.flush(this.tracker.sweep()),
      this.options.sweepIntervalMs ?? 1000,
    );
    this.timer.unref();
    this.started = true;
  }

  check(): ReadinessReport {
    const { open, tracked } = this.tracker.counts();
    return {
      ready: this.started,
      // Serving, but gateways may hear of a change late: a publish failed and is being retried.
      degraded: this.lastError !== null,
      detail: {
        openTargets: open,
        trackedTargets: tracked,
        published: this.published,
        invalidMessages: this.invalidMessages,
        lastError: this.lastError,
      },
    };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.subscription?.close();
    await this.chain;
  }

  private onEvent(message: BusMessage<'optscale.gateway.requests.v1'>): Promise<void> {
    const event = message.value;
    const keys = new Set<string>();
    for (const attempt of event.routing?.attempts ?? []) {
      const key = this.tracker.record(event.organizationId, attempt);
      if (key !== undefined) keys.add(key);
    }
    const due: TargetHealth[] = [];
    for (const key of keys) {
      const pending = this.tracker.pending(key);
      if (pending !== undefined) due.push(pending);
    }
    // Waiting for the publish holds the next event back: verdicts leave in the order they arose.
    return due.length === 0 ? Promise.resolve() : this.flush(due);
  }

  private flush(messages: readonly TargetHealth[]): Promise<void> {
    if (messages.length === 0) return this.chain;
    this.chain = this.chain.then(async () => {
      for (const message of messages) {
        const key = targetHealthMessageKey(message.organizationId, message.provider, message.model);
        // Still what the breaker says? A later event or sweep may have published it already.
        const current = this.tracker.pending(key);
        if (current === undefined) continue;
        try {
          await this.options.bus.publish('optscale.router.health.v1', key, current);
          this.tracker.confirm(current);
          this.published++;
          this.lastError = null;
        } catch (error) {
          // Stays pending in the tracker: the next sweep publishes it again.
          this.lastError = {
            message: error instanceof Error ? error.message : String(error),
            at: new Date(this.now()).toISOString(),
          };
          this.log(`cannot publish the health of ${key}, retrying: ${this.lastError.message}`);
        }
      }
    });
    return this.chain;
  }

  private onInvalid(message: InvalidMessage): void {
    this.invalidMessages++;
    this.log(
      `ignoring an invalid request event (partition ${message.partition}, offset ${message.offset}): ${message.error}`,
    );
  }
}
