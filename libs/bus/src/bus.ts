import type { Topic, TopicValue } from '@optscale/contracts';
import type { BatchHandler, BatchSubscribeOptions, BatchSubscription } from './batch';

/** Kafka message headers as strings, e.g. the W3C `traceparent` of the publishing request. */
export type MessageHeaders = Record<string, string>;

/** A message as a subscriber receives it: key checked and value parsed against its topic's schema. */
export interface BusMessage<T extends Topic> {
  topic: T;
  key: string;
  /** The payload; null is a tombstone (only on compacted topics): the entity under `key` is gone. */
  value: TopicValue<T>;
  headers: MessageHeaders;
  partition: number;
  /** Kafka offsets are int64: a decimal string. The in-process bus numbers messages per topic. */
  offset: string;
}

/** A message its topic's contract refuses (not JSON, wrong key, wrong payload): never dropped silently. */
export interface InvalidMessage {
  topic: Topic;
  key: string | null;
  /** The original bytes, untouched. */
  value: Buffer | null;
  headers: MessageHeaders;
  partition: number;
  offset: string;
  /** Why it was refused (the schema error, naming the field). */
  error: string;
}

/** One message of `publishBatch`. */
export interface OutgoingMessage<T extends Topic> {
  key: string;
  value: TopicValue<T>;
  headers?: MessageHeaders;
}

export type MessageHandler<T extends Topic> = (message: BusMessage<T>) => void | Promise<void>;

export interface SubscribeOptions {
  /**
   * A consumer group: the group shares the topic's messages (one member gets each) and keeps its
   * position across restarts. Omitted: a private reader that replays the whole topic from the
   * beginning, for building in-memory state from a compacted topic (every gateway replica does).
   */
  group?: string;
  /**
   * Where a group without a stored position starts (default true: the earliest retained message, so
   * a new consumer loses nothing). Private readers always start at the beginning.
   */
  fromBeginning?: boolean;
  /**
   * Receives every message the contract refuses. Consumers of topics with a DLQ publish it there
   * (`toDeadLetter`); state builders log and count it. Required: nothing is dropped silently.
   */
  onInvalid: (message: InvalidMessage) => void | Promise<void>;
}

export interface Subscription {
  readonly topic: Topic;
  /**
   * Private readers: resolves once every message that was in the topic when `subscribe` was called
   * has been handled (immediately for an empty topic), so a gateway reports ready only with its
   * whole state loaded. Group subscriptions: resolves once the subscription is running.
   */
  caughtUp(): Promise<void>;
  /** Stops delivery; a private reader's consumer group is deleted where the adapter can. */
  close(): Promise<void>;
}

export interface BusHealth {
  adapter: 'in-process' | 'kafka';
  /**
   * Whether the last exchange with the broker worked. False while Kafka is unreachable: the gateway
   * keeps serving from the state it has and says so; the adapter keeps retrying in the background.
   */
  connected: boolean;
  /** The most recent failure (broker error, or a handler that threw), for health endpoints and logs. */
  lastError: { message: string; at: string } | null;
}

/**
 * The message bus port (ARCHITECTURE.md, "One code base, two ways to run"): two adapters chosen at
 * boot, `InProcessBus` for the embedded default and `KafkaBus` for the distributed topology, with
 * the same contract. Topics and payloads come from `@optscale/contracts`, so a producer cannot send
 * what its consumers would not parse.
 *
 * Handlers run one message at a time per subscription, in order per partition. A handler that throws
 * does not stop the subscription: the error is recorded in `health().lastError` and the message
 * counts as handled (state builders apply idempotently; at-least-once batch consumers get their own
 * commit-after-write API, `subscribeBatch`).
 */
export interface Bus {
  readonly adapter: BusHealth['adapter'];
  /**
   * Publishes one message with its key (the registry says which key; derived keys are checked), after
   * validating the value against the topic's schema. Resolves when the message is stored (Kafka:
   * acknowledged by the in-sync replicas). `value` null is a tombstone, on compacted topics only.
   */
  publish<T extends Topic>(
    topic: T,
    key: string,
    value: TopicValue<T>,
    headers?: MessageHeaders,
  ): Promise<void>;
  /**
   * Publishes bytes as they are, without validation: for re-driving dead letters and for tests of
   * consumers' poison handling. Never for ordinary producers.
   */
  publishRaw(topic: Topic, key: string | null, value: Buffer | null, headers?: MessageHeaders): Promise<void>;
  /**
   * Publishes messages of one topic in one exchange, in the given order (Kafka: one produce request;
   * the messages of one partition are stored in order, all or none). Every value is validated first:
   * an invalid one rejects the call with `BusPublishError` and nothing is sent. For producers that
   * drain a backlog in order (the gateway's event spool). Like `publish`, it adds the active trace
   * context to messages whose headers carry no `traceparent`.
   */
  publishBatch<T extends Topic>(topic: T, messages: readonly OutgoingMessage<T>[]): Promise<void>;
  subscribe<T extends Topic>(
    topic: T,
    handler: MessageHandler<T>,
    options: SubscribeOptions,
  ): Promise<Subscription>;
  /**
   * At-least-once batch consumption for a consumer group (`batch.ts`): the handler gets batches of
   * parsed messages and the group's offsets are committed only after it resolved; a handler that
   * throws gets the same batch again after a backoff. For consumers that write to a store.
   */
  subscribeBatch<T extends Topic>(
    topic: T,
    handler: BatchHandler<T>,
    options: BatchSubscribeOptions,
  ): Promise<BatchSubscription>;
  health(): BusHealth;
  /** Closes every subscription and connection. */
  close(): Promise<void>;
}

export class BusPublishError extends Error {
  constructor(
    readonly topic: Topic,
    readonly key: string,
    reason: string,
  ) {
    super(`refusing to publish to ${topic} (key ${key}): ${reason}`);
    this.name = 'BusPublishError';
  }
}
