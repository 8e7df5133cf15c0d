import { setTimeout as delay } from 'node:timers/promises';
import type { Bus, BusMessage, InvalidMessage, Subscription } from '@optscale/bus';
import type { ReadinessReport } from '@optscale/service-kit';
import {
  buildStateFromSnapshots,
  type DecryptCredential,
  type SnapshotBuildReport,
} from './build-state-from-snapshots';
import {
  emptyConfigSnapshots,
  foldSnapshot,
  type ConfigTopic,
  type MutableConfigSnapshots,
} from './config-snapshots';
import { emptyGatewayState, type GatewayState } from './gateway-state';
import type { GatewayStateSource } from './state-source';
import { buildTargetHealth } from './target-health';

export interface BusConfigSourceOptions {
  bus: Bus;
  /** Decrypts provider credentials (the gateway's keyring). */
  decrypt: DecryptCredential;
  /** Close the bus with the source, when the source is its only user (`gatewaySourceFromEnv`). */
  closeBus?: boolean;
  /** Wait between attempts to subscribe while the bus is unreachable at start (default 1000 ms). */
  retryDelayMs?: number;
  /** The clock (tests). */
  now?: () => number;
  /** Operator-facing lines (default stderr). Never secrets. */
  log?: (line: string) => void;
}

/**
 * The state from the config topics (distributed mode): a private reader per topic replays it from the
 * beginning, every message is folded into the latest-snapshot maps, and the state is rebuilt from
 * them whole and swapped in one assignment.
 *
 * Rebuilds are coalesced: a burst of messages (a full republish, the replay at start) costs one
 * rebuild on the next macrotask rather than one per message, while a single change is live within
 * the same event-loop turn it arrived in. Before the topics are caught up the state stays empty and
 * readiness says not ready, so a replica never serves a half-read configuration.
 *
 * When the bus is unreachable the last state keeps serving (readiness stays ready, marked degraded);
 * the bus adapter reconnects by itself and the reader resumes.
 */
export class BusConfigSource implements GatewayStateSource {
  private current: GatewayState = emptyGatewayState();
  private snapshots: MutableConfigSnapshots = emptyConfigSnapshots();
  private subscriptions: Subscription[] = [];
  private loaded = false;
  private started: Promise<void> | undefined;
  private pending: NodeJS.Immediate | undefined;
  private readonly closing = new AbortController();
  private lastAppliedAt: string | null = null;
  private lastBuild: SnapshotBuildReport = { undecryptableProviders: [], keysWithoutOwner: 0 };
  private invalidMessages = 0;
  private sourceError: { message: string; at: string } | null = null;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: BusConfigSourceOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line) => console.error(`[gateway] ${line}`));
  }

  state(): GatewayState {
    return this.current;
  }

  start(): Promise<void> {
    this.started ??= this.load();
    return this.started;
  }

  readiness(): ReadinessReport {
    const bus = this.options.bus.health();
    const undecryptable = this.lastBuild.undecryptableProviders;
    return {
      ready: this.loaded,
      // Serving, but not as it should: changes are not arriving, or some providers cannot be called.
      degraded: !bus.connected || undecryptable.length > 0,
      detail: {
        source: 'bus',
        loaded: this.loaded,
        connected: bus.connected,
        lastError: bus.lastError ?? this.sourceError,
        lastAppliedAt: this.lastAppliedAt,
        organizations: this.current.organizations.size,
        keys: this.current.keysByHash.size,
        undecryptableCredentials: undecryptable.length,
        undecryptableProviders: undecryptable,
        keysWithoutOwner: this.lastBuild.keysWithoutOwner,
        openTargets: this.openTargets(),
        invalidMessages: this.invalidMessages,
      },
    };
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    if (this.pending !== undefined) clearImmediate(this.pending);
    await this.closeSubscriptions();
    if (this.options.closeBus === true) await this.options.bus.close();
  }

  private async load(): Promise<void> {
    const signal = this.closing.signal;
    for (;;) {
      signal.throwIfAborted();
      try {
        await this.subscribeAll();
        break;
      } catch (error) {
        // Kafka unreachable at boot: keep trying in the background; readiness says why meanwhile.
        await this.closeSubscriptions();
        this.snapshots = emptyConfigSnapshots();
        this.recordError(error);
        this.log(`cannot read the config topics yet, retrying: ${this.sourceError?.message ?? ''}`);
        await delay(this.options.retryDelayMs ?? 1000, undefined, { signal });
      }
    }
    const closed = new Promise<never>((_resolve, reject) =>
      signal.addEventListener('abort', () => reject(new Error('the config source was closed')), {
        once: true,
      }),
    );
    closed.catch(() => undefined);
    await Promise.race([Promise.all(this.subscriptions.map((s) => s.caughtUp())), closed]);
    this.loaded = true;
    this.rebuild();
  }

  private async subscribeAll(): Promise<void> {
    const { bus } = this.options;
    const onInvalid = (message: InvalidMessage): void => this.onInvalid(message);
    // Each handler reads `this.snapshots` when called, so a retry's fresh maps are the ones folded.
    const fold =
      <T extends ConfigTopic>(
        pick: (s: MutableConfigSnapshots) => Map<string, NonNullable<BusMessage<T>['value']>>,
      ) =>
      (message: BusMessage<T>): void => {
        if (foldSnapshot(pick(this.snapshots), message.key, message.value)) this.scheduleRebuild();
      };
    this.subscriptions.push(
      await bus.subscribe(
        'optscale.config.access.v1',
        fold((s) => s.access),
        { onInvalid },
      ),
    );
    this.subscriptions.push(
      await bus.subscribe(
        'optscale.config.providers.v1',
        fold((s) => s.providers),
        { onInvalid },
      ),
    );
    this.subscriptions.push(
      await bus.subscribe(
        'optscale.config.keys.v1',
        fold((s) => s.keys),
        { onInvalid },
      ),
    );
    this.subscriptions.push(
      await bus.subscribe(
        'optscale.config.routes.v1',
        fold((s) => s.routes),
        { onInvalid },
      ),
    );
    this.subscriptions.push(
      await bus.subscribe(
        'optscale.config.policies.v1',
        fold((s) => s.policies),
        { onInvalid },
      ),
    );
    this.subscriptions.push(
      await bus.subscribe(
        'optscale.config.pricing.v1',
        fold((s) => s.pricing),
        { onInvalid },
      ),
    );
    // Health verdicts swap only `targetHealth`: a full rebuild would recompile every organization's
    // rules and policies for what is a breaker hint. An empty topic is caught up at once, so a
    // router that never published holds no gateway back.
    this.subscriptions.push(
      await bus.subscribe(
        'optscale.router.health.v1',
        (message) => {
          if (foldSnapshot(this.snapshots.health, message.key, message.value)) this.applyTargetHealth();
        },
        { onInvalid },
      ),
    );
  }

  /** Targets the router holds open right now, for operators. */
  private openTargets(): number {
    const now = this.now();
    let open = 0;
    for (const targets of this.current.targetHealth.values())
      for (const entry of targets.values()) if (entry.openUntil > now) open++;
    return open;
  }

  private applyTargetHealth(): void {
    // Before loading, and while a rebuild is pending, the rebuild takes the health with it.
    if (!this.loaded || this.pending !== undefined || this.closing.signal.aborted) return;
    this.current = { ...this.current, targetHealth: buildTargetHealth(this.snapshots.health.values()) };
  }

  private scheduleRebuild(): void {
    // Before the topics are caught up the replay is still running; one build follows it.
    if (!this.loaded || this.pending !== undefined) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      this.rebuild();
    });
  }

  private rebuild(): void {
    if (this.closing.signal.aborted) return;
    const now = this.now();
    try {
      const { state, report } = buildStateFromSnapshots(this.snapshots, this.options.decrypt, now);
      const newlyBroken = report.undecryptableProviders.filter(
        (id) => !this.lastBuild.undecryptableProviders.includes(id),
      );
      if (newlyBroken.length > 0) {
        this.log(`cannot decrypt the credential of provider(s) ${newlyBroken.join(', ')}: they are refused`);
      }
      this.current = state;
      this.lastBuild = report;
      this.lastAppliedAt = new Date(now).toISOString();
    } catch (error) {
      // Keep serving the last good state; the build is retried with the next change.
      this.recordError(error);
      this.log(`cannot apply the configuration, keeping the last one: ${this.sourceError?.message ?? ''}`);
    }
  }

  private onInvalid(message: InvalidMessage): void {
    // A message its contract refuses changes nothing; the previous snapshot of that entity stays.
    this.invalidMessages += 1;
    this.log(
      `ignoring an invalid message on ${message.topic} (partition ${message.partition}, offset ${message.offset}): ${message.error}`,
    );
  }

  private async closeSubscriptions(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.allSettled(subscriptions.map((s) => s.close()));
  }

  private recordError(error: unknown): void {
    this.sourceError = {
      message: error instanceof Error ? error.message : String(error),
      at: new Date(this.now()).toISOString(),
    };
  }
}
