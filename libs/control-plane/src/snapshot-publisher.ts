import type { Bus, Subscription } from '@optscale/bus';
import type { CompactedTopic, TopicPayload } from '@optscale/contracts';
import type { ReadinessCheck, ReadinessReport } from '@optscale/service-kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { SnapshotMap } from './snapshot-loaders';

/** Where a topic's snapshots come from: the relational store, for all or one organization. */
export interface SnapshotSource<T extends CompactedTopic> {
  topic: T;
  load(manager: EntityManager, organizationId?: string): Promise<SnapshotMap<TopicPayload<T>>>;
  organizationOf(value: TopicPayload<T>): string;
}

export interface SnapshotPublisherOptions {
  /** Full reconciliation of the topic with the store (default 30 s): repairs anything missed. */
  reconcileIntervalMs?: number;
  /** After a failed publish (Kafka unreachable), how soon to try again (default 2 s). */
  retryIntervalMs?: number;
  log?: (line: string) => void;
}

/** Key order does not matter to consumers; compare values canonically. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * Keeps one compacted config topic equal to the relational store. It reads the topic back (a private
 * reader, so it knows what consumers see), and `sync` publishes exactly the difference: changed and
 * new entities, and tombstones for those gone (deleted rows, cascades). So the service calls `sync`
 * after each committed change and does not have to work out which messages a change implies.
 *
 * At start it reconciles in full ("in full at startup"), then again every `reconcileIntervalMs`
 * (out-of-band changes such as `optscale-ai import`, or a publish lost to an outage). Syncs run one
 * at a time, in order, so an older state can never overwrite a newer one on the topic. A failed
 * publish leaves the store as it is (the change is committed) and is retried until it goes through;
 * readiness reports it meanwhile.
 */
export class SnapshotPublisher<T extends CompactedTopic> implements ReadinessCheck {
  readonly name: string;
  private readonly published = new Map<string, string>();
  private readonly organizationOfKey = new Map<string, string>();
  private subscription?: Subscription;
  private chain: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private started = false;
  private lastError: { message: string; at: string } | null = null;
  private lastSyncAt: string | null = null;
  private readonly reconcileIntervalMs: number;
  private readonly retryIntervalMs: number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly bus: Bus,
    private readonly dataSource: DataSource,
    private readonly source: SnapshotSource<T>,
    options: SnapshotPublisherOptions = {},
  ) {
    this.name = `publisher:${source.topic}`;
    this.reconcileIntervalMs = options.reconcileIntervalMs ?? 30_000;
    this.retryIntervalMs = options.retryIntervalMs ?? 2_000;
    this.log = options.log ?? ((line) => console.error(line));
  }

  /** Reads the topic back, publishes the full difference, then keeps reconciling. */
  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe(
      this.source.topic,
      (message) => {
        if (message.value === null) {
          this.published.delete(message.key);
          this.organizationOfKey.delete(message.key);
        } else {
          this.published.set(message.key, canonical(message.value));
          this.organizationOfKey.set(
            message.key,
            this.source.organizationOf(message.value as TopicPayload<T>),
          );
        }
      },
      { onInvalid: (m) => this.log(`${this.source.topic}: ignoring an invalid message (${m.error})`) },
    );
    await this.subscription.caughtUp();
    await this.sync();
    this.started = true;
    this.timer = setInterval(() => void this.sync(), this.reconcileIntervalMs);
    this.timer.unref();
  }

  /**
   * Publishes what differs between the store and the topic, for one organization or all. Never
   * rejects: a failure is recorded, retried, and reported by `check()`. Resolves when this sync (and
   * every one queued before it) has finished.
   */
  sync(organizationId?: string): Promise<void> {
    const run = this.chain.then(() => this.syncNow(organizationId));
    this.chain = run.catch(() => undefined);
    return this.chain;
  }

  private async syncNow(organizationId: string | undefined): Promise<void> {
    try {
      const current = await this.source.load(this.dataSource.manager, organizationId);
      const failures: string[] = [];
      const publish = async (key: string, value: TopicPayload<T> | null): Promise<void> => {
        try {
          await this.bus.publish(this.source.topic, key, value as never);
          if (value === null) {
            this.published.delete(key);
            this.organizationOfKey.delete(key);
          } else {
            this.published.set(key, canonical(value));
            this.organizationOfKey.set(key, this.source.organizationOf(value));
          }
        } catch (error) {
          failures.push(`${key}: ${(error as Error).message}`);
        }
      };
      for (const [key, value] of current) {
        if (this.published.get(key) !== canonical(value)) await publish(key, value);
      }
      for (const key of [...this.published.keys()]) {
        if (current.has(key)) continue;
        if (organizationId !== undefined && this.organizationOfKey.get(key) !== organizationId) continue;
        await publish(key, null);
      }
      if (failures.length > 0) throw new Error(`${failures.length} message(s) not published: ${failures[0]}`);
      this.lastError = null;
      this.lastSyncAt = new Date().toISOString();
    } catch (error) {
      this.lastError = { message: (error as Error).message, at: new Date().toISOString() };
      this.log(
        `${this.source.topic}: sync failed, retrying in ${this.retryIntervalMs} ms: ${this.lastError.message}`,
      );
      this.retry ??= setTimeout(() => {
        this.retry = undefined;
        void this.sync();
      }, this.retryIntervalMs);
      this.retry.unref();
    }
  }

  check(): ReadinessReport {
    return {
      ready: this.started,
      degraded: this.lastError !== null,
      detail: {
        topic: this.source.topic,
        published: this.published.size,
        lastSyncAt: this.lastSyncAt,
        lastError: this.lastError,
      },
    };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.retry);
    await this.chain;
    await this.subscription?.close();
  }
}
