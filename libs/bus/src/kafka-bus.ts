import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isCompacted, type Topic, type TopicValue } from '@optscale/contracts';
import {
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type Consumer,
  type IHeaders,
  type Producer,
  type ISocketFactory,
  type RetryOptions,
} from 'kafkajs';
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
import { decodeMessage, encodeForPublish } from './codec';
import { inMessageContext, withTraceContext } from './trace-context';
import { runKafkaBatchConsumer } from './kafka-batch';

export interface KafkaBusOptions {
  brokers: string[];
  /** Kafka client id, shows in broker logs and quotas (default `optscale`). */
  clientId?: string;
  /**
   * Prepended to every topic and consumer group name, to run isolated namespaces on one cluster
   * (tests, several environments). Default empty: the names of the contracts as they are.
   */
  topicPrefix?: string;
  /** Partitions of topics this bus creates (default: the broker's `num.partitions`). */
  partitions?: number;
  /** Replication of topics this bus creates (default: the broker's `default.replication.factor`). */
  replicationFactor?: number;
  /** Consumer group session timeout (default 30000; tests use a few seconds). */
  sessionTimeoutMs?: number;
  /** Consumer group rebalance timeout (default 60000). */
  rebalanceTimeoutMs?: number;
  /** Consumer heartbeat interval (default 3000; keep it well below the session timeout). */
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits for new data (default 1000): also how soon a consumer notices shutdown. */
  maxWaitTimeMs?: number;
  /** kafkajs retry policy for connections and requests. */
  retry?: RetryOptions;
  /** kafkajs log level (default WARN). */
  logLevel?: KafkaLogLevel;
  /**
   * Opens the TCP connections to the brokers (kafkajs `socketFactory`; default plain `net.connect`).
   * Tests route the client through a loopback proxy they can cut, to exercise broker outages.
   */
  socketFactory?: ISocketFactory;
}

interface PartitionTarget {
  /** The high watermark at subscribe time: caught up once the message before it was handled. */
  high: bigint;
}

/**
 * The bus on Apache Kafka (kafkajs), for the distributed topology.
 *
 * - Topics are created on first use through the admin API, compacted ones with
 *   `cleanup.policy=compact`; producers never auto-create (a topic created by a broker default would
 *   not be compacted).
 * - Messages carry the registry's key (so compaction and partitioning work per entity) and the given
 *   headers unchanged, W3C `traceparent` included.
 * - Private readers (no group): kafkajs has no manual partition assignment, so each gets a consumer
 *   group of its own, unique per process and subscription, starting from the beginning. Every gateway
 *   replica therefore reads every partition. The group commits its position, so a consumer restarted
 *   by kafkajs after a broker outage resumes instead of replaying; it is deleted on close (a process
 *   that dies leaves an empty group, which the broker expires after `offsets.retention.minutes`).
 * - `caughtUp()` compares handled offsets with the high watermarks fetched at subscribe time.
 * - Broker outages: kafkajs retries and restarts crashed consumers (`restartOnFailure`), so the bus
 *   recovers without a process restart; `health()` reports the outage meanwhile.
 */
export class KafkaBus implements Bus {
  readonly adapter = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly prefix: string;
  private admin: Promise<Admin> | undefined;
  private producer: Promise<Producer> | undefined;
  private readonly topicsReady = new Map<Topic, Promise<void>>();
  private readonly subscriptions = new Set<Subscription | BatchSubscription>();
  private connected = false;
  private lastError: BusHealth['lastError'] = null;
  private closed = false;

  constructor(private readonly options: KafkaBusOptions) {
    this.prefix = options.topicPrefix ?? '';
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'optscale',
      brokers: options.brokers,
      logLevel: options.logLevel ?? KafkaLogLevel.WARN,
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.socketFactory === undefined ? {} : { socketFactory: options.socketFactory }),
    });
  }

  /** The topic's name on the cluster. */
  physicalTopic(topic: Topic): string {
    return `${this.prefix}${topic}`;
  }

  async publish<T extends Topic>(
    topic: T,
    key: string,
    value: TopicValue<T>,
    headers: MessageHeaders = {},
  ): Promise<void> {
    const bytes = encodeForPublish(topic, key, value);
    await this.publishRaw(topic, key, bytes, headers);
  }

  async publishRaw(
    topic: Topic,
    key: string | null,
    value: Buffer | null,
    headers: MessageHeaders = {},
  ): Promise<void> {
    if (this.closed) throw new Error('the bus is closed');
    await this.track(async () => {
      await this.ensureTopic(topic);
      const producer = await this.connectedProducer();
      await producer.send({
        topic: this.physicalTopic(topic),
        messages: [{ key, value, headers: withTraceContext(headers) }],
      });
    });
  }

  async publishBatch<T extends Topic>(topic: T, messages: readonly OutgoingMessage<T>[]): Promise<void> {
    const encoded = messages.map((m) => ({
      key: m.key,
      value: encodeForPublish(topic, m.key, m.value),
      headers: withTraceContext(m.headers ?? {}),
    }));
    if (this.closed) throw new Error('the bus is closed');
    if (encoded.length === 0) return;
    await this.track(async () => {
      await this.ensureTopic(topic);
      const producer = await this.connectedProducer();
      await producer.send({ topic: this.physicalTopic(topic), messages: encoded });
    });
  }

  async subscribe<T extends Topic>(
    topic: T,
    handler: MessageHandler<T>,
    options: SubscribeOptions,
  ): Promise<Subscription> {
    if (this.closed) throw new Error('the bus is closed');
    const physical = this.physicalTopic(topic);
    const privateReader = options.group === undefined;
    const groupId =
      options.group === undefined
        ? `${this.prefix}optscale.reader.${topic}.${hostname()}.${process.pid}.${randomUUID()}`
        : `${this.prefix}${options.group}`;

    const targets = new Map<number, PartitionTarget>();
    await this.track(async () => {
      await this.ensureTopic(topic);
      if (!privateReader) return;
      const admin = await this.connectedAdmin();
      for (const p of await admin.fetchTopicOffsets(physical)) {
        if (BigInt(p.high) > BigInt(p.low)) targets.set(p.partition, { high: BigInt(p.high) });
      }
    });
    let resolveCaughtUp: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => (resolveCaughtUp = resolve));
    if (targets.size === 0) resolveCaughtUp();
    const handled = (partition: number, offset: string): void => {
      const target = targets.get(partition);
      if (target !== undefined && BigInt(offset) + 1n >= target.high) {
        targets.delete(partition);
        if (targets.size === 0) resolveCaughtUp();
      }
    };

    let closing = false;
    const consumer = this.groupConsumer(groupId, () => closing);
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.connected = true;
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.connected = false;
      this.recordError(event.payload.error);
    });

    const subscription: Subscription = {
      topic,
      caughtUp: () => caughtUp,
      close: async () => {
        if (closing) return;
        closing = true;
        this.subscriptions.delete(subscription);
        await consumer.disconnect();
        if (privateReader) {
          // Best effort: the group is empty now; if deleting fails the broker expires it later.
          await this.connectedAdmin()
            .then((admin) => admin.deleteGroups([groupId]))
            .catch(() => undefined);
        }
      },
    };

    try {
      await this.track(async () => {
        await consumer.connect();
        await consumer.subscribe({
          topic: physical,
          fromBeginning: privateReader ? true : (options.fromBeginning ?? true),
        });
        await consumer.run({
          autoCommit: true,
          eachMessage: async ({ partition, message }) => {
            const key = message.key === null ? null : message.key.toString('utf8');
            const position = { headers: stringHeaders(message.headers), partition, offset: message.offset };
            const decoded = decodeMessage(topic, key, message.value);
            try {
              if (decoded.ok)
                await inMessageContext(topic, position.headers, () =>
                  handler({ topic, key: decoded.key, value: decoded.value, ...position }),
                );
              else
                await options.onInvalid({
                  topic,
                  key,
                  value: message.value,
                  error: decoded.error,
                  ...position,
                });
            } catch (error) {
              this.recordError(error);
            }
            handled(partition, message.offset);
          },
        });
      });
    } catch (error) {
      await subscription.close().catch(() => undefined);
      throw error;
    }
    if (!privateReader) resolveCaughtUp();
    this.subscriptions.add(subscription);
    return subscription;
  }

  async subscribeBatch<T extends Topic>(
    topic: T,
    handler: BatchHandler<T>,
    options: BatchSubscribeOptions,
  ): Promise<BatchSubscription> {
    if (this.closed) throw new Error('the bus is closed');
    const groupId = `${this.prefix}${options.group}`;
    let closing = false;
    const consumer = this.groupConsumer(groupId, () => closing);
    consumer.on(consumer.events.CRASH, (event) => {
      this.connected = false;
      this.recordError(event.payload.error);
    });
    let running: BatchSubscription | undefined;
    const subscription: BatchSubscription = {
      topic,
      caughtUp: () => Promise.resolve(),
      lag: () => (running ? running.lag() : Promise.reject(new Error('not running'))),
      close: async () => {
        if (closing) return;
        closing = true;
        this.subscriptions.delete(subscription);
        await (running ? running.close() : consumer.disconnect());
      },
    };
    try {
      await this.track(async () => {
        await this.ensureTopic(topic);
        running = await runKafkaBatchConsumer(topic, handler, options, {
          consumer,
          physicalTopic: this.physicalTopic(topic),
          groupId,
          connectedAdmin: () => this.connectedAdmin(),
          recordError: (error) => this.recordError(error),
        });
      });
    } catch (error) {
      await subscription.close().catch(() => undefined);
      throw error;
    }
    this.subscriptions.add(subscription);
    return subscription;
  }

  health(): BusHealth {
    return { adapter: this.adapter, connected: this.connected, lastError: this.lastError };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    this.closed = true;
    const producer = this.producer;
    const admin = this.admin;
    this.producer = undefined;
    this.admin = undefined;
    await Promise.allSettled([producer?.then((p) => p.disconnect()), admin?.then((a) => a.disconnect())]);
    this.connected = false;
  }

  /** Creates the topic if missing (compacted where the registry says so); once per topic per bus. */
  private ensureTopic(topic: Topic): Promise<void> {
    let ready = this.topicsReady.get(topic);
    if (ready === undefined) {
      ready = this.connectedAdmin()
        .then((admin) =>
          admin.createTopics({
            waitForLeaders: true,
            topics: [
              {
                topic: this.physicalTopic(topic),
                numPartitions: this.options.partitions ?? -1,
                replicationFactor: this.options.replicationFactor ?? -1,
                configEntries: isCompacted(topic) ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
              },
            ],
          }),
        )
        .then(() => undefined);
      // A failure (broker down) is not cached: the next call tries again.
      ready.catch(() => this.topicsReady.delete(topic));
      this.topicsReady.set(topic, ready);
    }
    return ready;
  }

  private connectedAdmin(): Promise<Admin> {
    if (this.admin === undefined) {
      const admin = this.kafka.admin();
      const connecting = admin.connect().then(() => admin);
      connecting.catch(() => (this.admin = undefined));
      this.admin = connecting;
    }
    return this.admin;
  }

  private connectedProducer(): Promise<Producer> {
    if (this.producer === undefined) {
      const producer = this.kafka.producer({
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      const connecting = producer.connect().then(() => producer);
      connecting.catch(() => (this.producer = undefined));
      this.producer = connecting;
    }
    return this.producer;
  }

  /** Runs a broker exchange and keeps `health()` true to its outcome. */
  private async track(exchange: () => Promise<void>): Promise<void> {
    try {
      await exchange();
      this.connected = true;
    } catch (error) {
      this.connected = false;
      this.recordError(error);
      throw error;
    }
  }

  /**
   * A consumer of `groupId` with the bus's timeouts; it restarts after a crash unless `closing()`,
   * and a fetch marks the broker reachable.
   */
  private groupConsumer(groupId: string, closing: () => boolean): Consumer {
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: this.options.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3_000,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 1_000,
      retry: { ...this.options.retry, restartOnFailure: () => Promise.resolve(!closing()) },
    });
    consumer.on(consumer.events.FETCH, () => {
      this.connected = true;
    });
    return consumer;
  }

  private recordError(error: unknown): void {
    this.lastError = {
      message: error instanceof Error ? error.message : String(error),
      at: new Date().toISOString(),
    };
  }
}

function stringHeaders(headers: IHeaders | undefined): MessageHeaders {
  const out: MessageHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : first;
  }
  return out;
}
