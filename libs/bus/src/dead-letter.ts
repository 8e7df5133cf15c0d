import { DEAD_LETTER_TOPICS, type DeadLetter, type DeadLetterTopic } from '@optscale/contracts';
import type { Bus, InvalidMessage } from './bus';

type TopicWithDeadLetters = keyof typeof DEAD_LETTER_TOPICS;

/** The dead letter of a refused message: original bytes (base64), position and reason. */
export function toDeadLetter(message: InvalidMessage, now: Date = new Date()): DeadLetter {
  return {
    reason: message.error,
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key,
    value: message.value === null ? null : message.value.toString('base64'),
    failedAt: now.toISOString(),
  };
}

/**
 * An `onInvalid` callback that publishes refused messages of `topic` to its `.dlq`, with the original
 * key and headers (so the trace context survives).
 */
export function deadLetterTo(
  bus: Bus,
  topic: TopicWithDeadLetters,
): (message: InvalidMessage) => Promise<void> {
  const dlq: DeadLetterTopic = DEAD_LETTER_TOPICS[topic];
  return (message) => bus.publish(dlq, message.key ?? '', toDeadLetter(message), message.headers);
}
