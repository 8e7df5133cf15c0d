import { isCompacted, type Topic, type TopicValue } from '@optscale/contracts';
import type { BatchHandler, BatchSubscribeOptions, BatchSubscription } from './batch';
import type {
  Bus,
  BusHealth,
  MessageHandler,
  MessageHeaders,
  OutgoingMessage,
  SubscribeOptions,
  Subscription,
} from './bus';
import { InProcessBatchMember } from './in-process-batch';
import { decodeStored, encodeForPublish, type StoredBytes } from './codec';
import { inMessageContext, withTraceContext } from './trace-context';

interface StoredMessage extends StoredBytes {
  headers: MessageHeaders;
  offset: number;
}

interface Subscriber {
  readonly topic: Topic;
  readonly group: string | undefined;
  /** Delivers one message; never rejects (errors go to health). */
  deliver(message: StoredMessage): Promise<void>;
  /** The tail of this subscriber's delivery chain: messages are handled one at a time, in order. */
  tail: Promise<void>;
  closed: boolean;
  /** Batch members: stops their delivery loop (see `subscribeBatch`). */
  stop?: () => Promise<void>;
}

interface TopicState {
  nextOffset: number;
  /** Compacted topics: the latest message per key (a tombstone deletes). Others keep nothing. */
  latest: Map<string, StoredMessage>;
  subscribers: Subscriber[];
  /** Groups that have read this topic: a group that comes back resumes live, it does not replay. */
  groupsSeen: Set<string>;
}

/**
 * The bus in memory, for the embedded default (one process runs every service). Same contract as
 * `KafkaBus`: values are serialized and validated at the boundary exactly as on Kafka, compacted
 * topics keep the last value per key so a late subscriber replays the current state, a tombstone
 * deletes, and delivery is asynchronous and ordered per subscription.
 *
 * What it does not have is a durable log: non-compacted topics (request events) reach only the
 * subscribers present when they are published, and nothing survives a restart (the control plane
 * republishes its snapshots at startup, as it does with Kafka).
 */
export class InProcessBus implements Bus {
  readonly adapter = 'in-process' as const;
  private readonly topics = new Map<Topic, TopicState>();
  private lastError: BusHealth['lastError'] = null;
  private closed = false;

  publish<T extends Topic>(
    topic: T,
    key: string,
    value: TopicValue<T>,
    headers: MessageHeaders = {},
  ): Promise<void> {
    try {
      return this.publishRaw(topic, key, encodeForPublish(topic, key, value), headers);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Validates every message first (nothing is stored if one is invalid), then stores them in order. */
  async publishBatch<T extends Topic>(topic: T, messages: readonly OutgoingMessage<T>[]): Promise<void> {
    const encoded = messages.map((m) => ({ key: m.key, value: encodeForPublish(topic, m.key, m.value) }));
    for (const [i, m] of encoded.entries())
      await this.publishRaw(topic, m.key, m.value, messages[i]?.headers);
  }

  publishRaw(
    topic: Topic,
    key: string | null,
    value: Buffer | null,
    headers: MessageHeaders = {},
  ): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the bus is closed'));
    const state = this.state(topic);
    const message: StoredMessage = {
      key,
      value,
      headers: { ...withTraceContext(headers) },
      offset: state.nextOffset++,
    };
    if (isCompacted(topic) && key !== null) {
      if (value === null) state.latest.delete(key);
      else state.latest.set(key, message);
    }
    const groupsDone = new Set<string>();
    for (const subscriber of state.subscribers) {
      if (subscriber.group === undefined) {
        enqueue(subscriber, message);
      } else if (!groupsDone.has(subscriber.group)) {
        groupsDone.add(subscriber.group);
        enqueue(memberFor(state, subscriber.group, key), message);
      }
    }
    return Promise.resolve();
  }

  subscribe<T extends Topic>(
    topic: T,
    handler: MessageHandler<T>,
    options: SubscribeOptions,
  ): Promise<Subscription> {
    if (this.closed) return Promise.reject(new Error('the bus is closed'));
    const state = this.state(topic);
    const group = options.group;
    const subscriber: Subscriber = {
      topic,
      group,
      tail: Promise.resolve(),
      closed: false,
      deliver: async (stored) => {
        const decoded = decodeStored(topic, stored);
        const position = { headers: { ...stored.headers }, partition: 0, offset: String(stored.offset) };
        try {
          if (decoded.ok)
            await inMessageContext(topic, position.headers, () =>
              handler({ topic, key: decoded.key, value: decoded.value, ...position }),
            );
          else
            await options.onInvalid({
              topic,
              key: stored.key,
              value: stored.value,
              error: decoded.error,
              ...position,
            });
        } catch (error) {
          this.recordError(error);
        }
      },
    };
    // Replay the current state of a compacted topic to private readers and to groups reading it for
    // the first time (a new Kafka group with fromBeginning does the same).
    const replay =
      isCompacted(topic) &&
      (group === undefined || (!state.groupsSeen.has(group) && options.fromBeginning !== false));
    if (group !== undefined) state.groupsSeen.add(group);
    if (replay) {
      for (const message of [...state.latest.values()].sort((a, b) => a.offset - b.offset))
        enqueue(subscriber, message);
    }
    state.subscribers.push(subscriber);
    const caughtUp = subscriber.tail;
    return Promise.resolve({
      topic,
      caughtUp: () => caughtUp,
      close: async () => {
        subscriber.closed = true;
        state.subscribers = state.subscribers.filter((s) => s !== subscriber);
        await subscriber.tail;
      },
    });
  }

  /**
   * Batch consumption (`batch.ts`): the member joins the group like any subscriber (one member of a
   * group gets each message) and hands its queue over in batches, retrying a failed batch.
   */
  subscribeBatch<T extends Topic>(
    topic: T,
    handler: BatchHandler<T>,
    options: BatchSubscribeOptions,
  ): Promise<BatchSubscription> {
    if (this.closed) return Promise.reject(new Error('the bus is closed'));
    const state = this.state(topic);
    const member = new InProcessBatchMember(topic, handler, options, (error) => this.recordError(error));
    const subscriber: Subscriber = {
      topic,
      group: options.group,
      tail: Promise.resolve(),
      closed: false,
      deliver: (stored) => {
        member.push(stored);
        return Promise.resolve();
      },
      stop: () => member.close(),
    };
    const replay =
      isCompacted(topic) && !state.groupsSeen.has(options.group) && options.fromBeginning !== false;
    state.groupsSeen.add(options.group);
    if (replay) {
      for (const message of [...state.latest.values()].sort((a, b) => a.offset - b.offset))
        enqueue(subscriber, message);
    }
    state.subscribers.push(subscriber);
    return Promise.resolve({
      topic,
      caughtUp: () => Promise.resolve(),
      lag: () => Promise.resolve({ total: member.lag, partitions: [{ partition: 0, lag: member.lag }] }),
      close: async () => {
        subscriber.closed = true;
        state.subscribers = state.subscribers.filter((s) => s !== subscriber);
        await subscriber.tail;
        await member.close();
      },
    });
  }

  health(): BusHealth {
    return { adapter: this.adapter, connected: !this.closed, lastError: this.lastError };
  }

  async close(): Promise<void> {
    this.closed = true;
    const subscribers = [...this.topics.values()].flatMap((state) => state.subscribers);
    for (const state of this.topics.values()) state.subscribers = [];
    for (const subscriber of subscribers) subscriber.closed = true;
    await Promise.all(subscribers.map((subscriber) => subscriber.tail));
    await Promise.all(subscribers.map((subscriber) => subscriber.stop?.() ?? Promise.resolve()));
  }

  private state(topic: Topic): TopicState {
    let state = this.topics.get(topic);
    if (state === undefined) {
      state = {
        nextOffset: 0,
        latest: new Map(),
        subscribers: [],
        groupsSeen: new Set(),
      };
      this.topics.set(topic, state);
    }
    return state;
  }

  private recordError(error: unknown): void {
    this.lastError = {
      message: error instanceof Error ? error.message : String(error),
      at: new Date().toISOString(),
    };
  }
}

function enqueue(subscriber: Subscriber, message: StoredMessage): void {
  subscriber.tail = subscriber.tail.then(() => (subscriber.closed ? undefined : subscriber.deliver(message)));
}

/** Like Kafka's partitioning: one key always goes to the same member, so per-key order holds. */
function memberFor(state: TopicState, group: string, key: string | null): Subscriber {
  const members = state.subscribers.filter((s) => s.group === group);
  let hash = 0;
  for (const char of key ?? '') hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  const member = members[hash % members.length];
  if (member === undefined) throw new Error(`group ${group} has no members`); // unreachable: called for a member's group
  return member;
}
