import { parseMessage, type Topic, type TopicValue } from '@optscale/contracts';
import { BusPublishError } from './bus';

/** Payloads travel as UTF-8 JSON; a tombstone is a null value. */
export function encodeValue(value: unknown): Buffer | null {
  return value === null ? null : Buffer.from(JSON.stringify(value), 'utf8');
}

/** Validates a value for publishing and encodes it; throws `BusPublishError` naming what is wrong. */
export function encodeForPublish<T extends Topic>(
  topic: T,
  key: string,
  value: TopicValue<T>,
): Buffer | null {
  const result = parseMessage(topic, key, value);
  if (!result.ok) throw new BusPublishError(topic, key, result.error);
  return encodeValue(value);
}

export type Decoded<T extends Topic> =
  { ok: true; key: string; value: TopicValue<T> } | { ok: false; error: string };

/** Decodes and validates a consumed message at the boundary. */
export function decodeMessage<T extends Topic>(
  topic: T,
  key: string | null,
  bytes: Buffer | null,
): Decoded<T> {
  if (key === null) return { ok: false, error: 'message has no key' };
  let value: unknown = null;
  if (bytes !== null) {
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      return {
        ok: false,
        error: `value is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    if (value === null) return { ok: false, error: 'value is JSON null; tombstones are empty values' };
  }
  const result = parseMessage(topic, key, value);
  return result.ok ? { ok: true, key, value: result.value } : result;
}

/** A message as the in-process bus stores it, with its decoding kept once it was done. */
export interface StoredBytes {
  key: string | null;
  value: Buffer | null;
  decoded?: Decoded<Topic>;
}

/**
 * Decodes a stored in-process message once for all its subscribers (the request events of the
 * embedded platform have several: trace collector, cost aggregator, policy statistics, router
 * health), instead of parsing and validating the same bytes per subscriber. Subscribers share the
 * value, as they share nothing else: handlers must treat consumed values as read-only.
 */
export function decodeStored<T extends Topic>(topic: T, stored: StoredBytes): Decoded<T> {
  stored.decoded ??= decodeMessage(topic, stored.key, stored.value);
  return stored.decoded as Decoded<T>;
}
