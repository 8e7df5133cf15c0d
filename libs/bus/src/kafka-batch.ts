import type { Topic } from '@optscale/contracts';
import type { Admin, Consumer, EachBatchPayload, IHeaders } from 'kafkajs';
import {
  DEFAULT_MAX_BATCH_SIZE,
  retryDelayMs,
  type BatchHandler,
  type BatchSubscribeOptions,
  type BatchSubscription,
  type ConsumerLag,
} from './batch';
import type { BusMessage, MessageHeaders } from './bus';
import { decodeMessage } from './codec';

/** What the batch consumer needs from its `KafkaBus`. */
export interface KafkaBatchDeps {
  consumer: Consumer;
  physicalTopic: string;
  groupId: string;
  connectedAdmin(): Promise<Admin>;
  recordError(error: unknown): void;
}

/**
 * Runs one consumer-group member that hands batches to `handler` and commits after it resolved
 * (kafkajs `eachBatch` with auto-commit and auto-resolve off).
 *
 * Each fetched partition batch is cut into slices of at most `maxBatchSize`. For a slice: refused
 * messages go to `onInvalid`, the valid ones to the handler; when both resolved, the slice's last
 * offset is resolved and committed at once. When either throws, nothing is committed and the same
 * slice is retried after an exponential backoff, heartbeating meanwhile, for as long as this member
 * owns the partition: a store outage holds the position, it never skips. If the member stops or the
 * partition moves (rebalance), the uncommitted slice is left for whoever reads the partition next.
 */
export async function runKafkaBatchConsumer<T extends Topic>(
  topic: T,
  handler: BatchHandler<T>,
  options: BatchSubscribeOptions,
  deps: KafkaBatchDeps,
): Promise<BatchSubscription> {
  const { consumer } = deps;
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  let closing = false;
  /** Wakes a backoff wait early when the subscription closes. */
  const wakers = new Set<() => void>();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
    });

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    const heartbeat = (): Promise<void> => payload.heartbeat();
    const owned = (): boolean => !closing && payload.isRunning() && !payload.isStale();
    for (let start = 0; start < batch.messages.length; start += maxBatchSize) {
      const slice = batch.messages.slice(start, start + maxBatchSize);
      const last = slice.at(-1);
      if (last === undefined) return;
      let failures = 0;
      for (;;) {
        if (!owned()) return;
        try {
          const valid: BusMessage<T>[] = [];
          for (const message of slice) {
            const key = message.key === null ? null : message.key.toString('utf8');
            const position = {
              headers: stringHeaders(message.headers),
              partition: batch.partition,
              offset: message.offset,
            };
            const decoded = decodeMessage(topic, key, message.value);
            if (decoded.ok) valid.push({ topic, key: decoded.key, value: decoded.value, ...position });
            else
              await options.onInvalid({
                topic,
                key,
                value: message.value,
                error: decoded.error,
                ...position,
              });
          }
          if (valid.length > 0) await handler(valid, { heartbeat });
          payload.resolveOffset(last.offset);
          await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
          break;
        } catch (error) {
          failures += 1;
          deps.recordError(error);
          await sleep(retryDelayMs(failures, options));
          // A heartbeat failing (rebalance in progress) ends ownership; `owned()` decides next turn.
          await heartbeat().catch((e: unknown) => deps.recordError(e));
        }
      }
    }
  };

  await consumer.connect();
  await consumer.subscribe({ topic: deps.physicalTopic, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });

  return {
    topic,
    caughtUp: () => Promise.resolve(),
    lag: () => groupLag(deps),
    close: async () => {
      if (closing) return;
      closing = true;
      for (const wake of [...wakers]) wake();
      await consumer.disconnect();
    },
  };
}

/** High watermark minus the group's committed offset, per partition (nothing committed: from low). */
async function groupLag(deps: KafkaBatchDeps): Promise<ConsumerLag> {
  const admin = await deps.connectedAdmin();
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(deps.physicalTopic),
    admin.fetchOffsets({ groupId: deps.groupId, topics: [deps.physicalTopic] }),
  ]);
  const committedBy = new Map<number, bigint>();
  for (const p of committed[0]?.partitions ?? []) committedBy.set(p.partition, BigInt(p.offset));
  const partitions = ends.map((end) => {
    const position = committedBy.get(end.partition) ?? -1n;
    const from = position >= 0n ? position : BigInt(end.low);
    const lag = BigInt(end.high) - from;
    return { partition: end.partition, lag: Number(lag > 0n ? lag : 0n) };
  });
  return { total: partitions.reduce((sum, p) => sum + p.lag, 0), partitions };
}

function stringHeaders(headers: IHeaders | undefined): MessageHeaders {
  const out: MessageHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first.toString('utf8') : first;
  }
  return out;
}
