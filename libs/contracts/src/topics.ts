import { z } from 'zod';
import {
  accessMessageKey,
  accessSnapshotSchema,
  keyHashSchema,
  keySnapshotSchema,
  providerMessageKey,
  providerSnapshotSchema,
} from './config-snapshots';
import { targetHealthMessageKey, targetHealthSchema } from './health-snapshots';
import { budgetMessageKey, budgetSnapshotSchema, budgetStateSchema } from './budget-snapshots';
import { policyMessageKey, policySnapshotSchema } from './policy-snapshots';
import { pricingOverrideMessageKey, pricingOverrideSnapshotSchema } from './pricing-snapshots';
import { routeMessageKey, routingRuleSnapshotSchema } from './routing-snapshots';
import { deadLetterSchema } from './dead-letter';
import { requestEventSchema } from './request-event';

/*
 * Every Kafka topic of the platform, with its message key and payload schema: the one place
 * producers and consumers take them from (ARCHITECTURE.md, "Kafka topics").
 *
 * Naming grammar, never renamed: `optscale.<area>.<what>.v<N>`, plus `.dlq` for the poison messages
 * of a topic. Rolling-deploy rule: payloads evolve additively only. New fields are optional and
 * "absent" keeps the old meaning, so old consumers keep parsing new messages and new consumers old
 * ones during a rolling deploy; renaming, retyping, tightening or removing a field is a breaking
 * change and means a new topic `…v<N+1>`, written in parallel until every consumer reads it.
 *
 * Payloads travel as UTF-8 JSON. Compacted topics carry snapshots: one message per entity key, the
 * latest wins, and a null value (tombstone) deletes the entity.
 */

export interface TopicDefinition<S extends z.ZodType = z.ZodType, C extends boolean = boolean> {
  /** `cleanup.policy=compact`: the topic is current state, replayed in full by state builders. */
  compacted: C;
  /** What the message key is, for people. */
  key: string;
  /** The message key, for machines: consumers refuse a message whose key does not match. */
  keySchema: z.ZodType<string>;
  /** The payload (message value). */
  schema: S;
  /** Where the key comes from, when the payload has it: producers must use exactly this key. */
  keyOf?(value: z.output<S>): string;
}

function defineTopic<S extends z.ZodType, C extends boolean>(
  definition: TopicDefinition<S, C>,
): TopicDefinition<S, C> {
  return definition;
}

export const TOPICS = {
  'optscale.config.keys.v1': defineTopic({
    compacted: true,
    key: 'the virtual key hash, sha256:<hex>',
    keySchema: keyHashSchema,
    schema: keySnapshotSchema,
  }),
  'optscale.config.access.v1': defineTopic({
    compacted: true,
    key: '<organization id>/<user id>',
    keySchema: z.string().regex(/^[^/]+\/[^/]+$/, 'expected <organization id>/<user id>'),
    schema: accessSnapshotSchema,
    keyOf: (value) => accessMessageKey(value.organizationId, value.userId),
  }),
  'optscale.config.providers.v1': defineTopic({
    compacted: true,
    key: '<organization id>/<proxy name>',
    keySchema: z.string().regex(/^[^/]+\/[^/]+$/, 'expected <organization id>/<proxy name>'),
    schema: providerSnapshotSchema,
    keyOf: (value) => providerMessageKey(value.organizationId, value.proxyName),
  }),
  'optscale.config.routes.v1': defineTopic({
    compacted: true,
    key: '<organization id>/<rule id>',
    keySchema: z.string().regex(/^[^/]+\/[^/]+$/, 'expected <organization id>/<rule id>'),
    schema: routingRuleSnapshotSchema,
    keyOf: (value) => routeMessageKey(value.organizationId, value.id),
  }),
  'optscale.config.policies.v1': defineTopic({
    compacted: true,
    key: '<organization id>/<policy id>',
    keySchema: z.string().regex(/^[^/]+\/[^/]+$/, 'expected <organization id>/<policy id>'),
    schema: policySnapshotSchema,
    keyOf: (value) => policyMessageKey(value.organizationId, value.id),
  }),
  /*
   * Circuit-breaker verdicts of `router`, per routing target of an organization, which every gateway
   * replica folds into its own breakers (health-snapshots.ts). Not yet in ARCHITECTURE.md's topic
   * list: add `optscale.router.health.v1  compacted, key = <org id>/<provider>/<model>` there.
   */
  'optscale.router.health.v1': defineTopic({
    compacted: true,
    key: '<organization id>/<target id>, the target id being <provider proxy name>/<model>',
    // The model may contain '/', so only the first two segments are fixed.
    keySchema: z.string().regex(/^[^/]+\/[^/]+\/.+$/, 'expected <organization id>/<provider>/<model>'),
    schema: targetHealthSchema,
    keyOf: (value) => targetHealthMessageKey(value.organizationId, value.provider, value.model),
  }),
  /** Budgets and rate limits of an organization, published by `auth` (budget-snapshots.ts). */
  'optscale.config.budgets.v1': defineTopic({
    compacted: true,
    key: '<organization id>/<budget id>',
    keySchema: z.string().regex(/^[^/]+\/[^/]+$/, 'expected <organization id>/<budget id>'),
    schema: budgetSnapshotSchema,
    keyOf: (value) => budgetMessageKey(value.organizationId, value.id),
  }),
  /** Spend per budget in its current period, from ClickHouse, by the cost aggregator (floor of the live counters). */
  'optscale.budget.state.v1': defineTopic({
    compacted: true,
    key: '<organization id>/<budget id>',
    keySchema: z.string().regex(/^[^/]+\/[^/]+$/, 'expected <organization id>/<budget id>'),
    schema: budgetStateSchema,
    keyOf: (value) => budgetMessageKey(value.organizationId, value.budgetId),
  }),
  /**
   * An organization's own model prices, published by `router`, which gateways use instead of the
   * built-in catalog (pricing-snapshots.ts). The provider segment is `*` for a price on every provider.
   */
  'optscale.config.pricing.v1': defineTopic({
    compacted: true,
    key: '<organization id>/<provider proxy name, or * for every provider>/<model>',
    // The model may contain '/', so only the first two segments are fixed.
    keySchema: z.string().regex(/^[^/]+\/[^/]+\/.+$/, 'expected <organization id>/<provider>/<model>'),
    schema: pricingOverrideSnapshotSchema,
    keyOf: (value) => pricingOverrideMessageKey(value.organizationId, value.provider, value.model),
  }),
  'optscale.gateway.requests.v1': defineTopic({
    compacted: false,
    key: 'the organization id (keeps one organization in order on one partition)',
    keySchema: z.string().min(1),
    schema: requestEventSchema,
    keyOf: (value) => value.organizationId,
  }),
  'optscale.gateway.requests.v1.dlq': defineTopic({
    compacted: false,
    key: "the original message's key (empty when it had none)",
    keySchema: z.string(),
    schema: deadLetterSchema,
  }),
} as const;

/**
 * Topic names of ARCHITECTURE.md whose payloads are not defined yet, so that the names are owned here
 * too. They are not `Topic`s: nothing can publish or subscribe to them until their schema exists.
 * None at the moment: every topic of ARCHITECTURE.md has its schema.
 */
export const RESERVED_TOPIC_NAMES = {} as const satisfies Record<string, string>;

export type Topic = keyof typeof TOPICS;

/** The payload type of a topic: what producers send and consumers receive (after parsing). */
export type TopicPayload<T extends Topic> = z.output<(typeof TOPICS)[T]['schema']>;

export type CompactedTopic = {
  [T in Topic]: (typeof TOPICS)[T]['compacted'] extends true ? T : never;
}[Topic];

/** A message value: the payload, or on compacted topics also null, the tombstone. */
export type TopicValue<T extends Topic> = T extends CompactedTopic ? TopicPayload<T> | null : TopicPayload<T>;

/** The registry entry of a topic, widened for code that handles any topic (the bus adapters). */
export function topicDefinition(topic: Topic): TopicDefinition {
  return TOPICS[topic];
}

/**
 * Checks a message against its topic: the key's shape, the payload schema, that a tombstone is only
 * sent to a compacted topic, and that a derivable key matches its payload. Returns the parsed value.
 */
export function parseMessage<T extends Topic>(
  topic: T,
  key: string,
  value: unknown,
): { ok: true; value: TopicValue<T> } | { ok: false; error: string } {
  const definition = topicDefinition(topic);
  const keyResult = definition.keySchema.safeParse(key);
  if (!keyResult.success) return { ok: false, error: `key: ${z.prettifyError(keyResult.error)}` };
  if (value === null) {
    if (!definition.compacted) return { ok: false, error: `tombstone on ${topic}, which is not compacted` };
    return { ok: true, value: null as TopicValue<T> };
  }
  const valueResult = definition.schema.safeParse(value);
  if (!valueResult.success) return { ok: false, error: `value: ${z.prettifyError(valueResult.error)}` };
  const expected = definition.keyOf?.(valueResult.data);
  if (expected !== undefined && expected !== key) {
    return { ok: false, error: `key "${key}" does not match the payload, expected "${expected}"` };
  }
  return { ok: true, value: valueResult.data as TopicValue<T> };
}

export const TOPIC_NAMES = Object.keys(TOPICS) as Topic[];

export function isTopic(name: string): name is Topic {
  return Object.prototype.hasOwnProperty.call(TOPICS, name);
}

export function isCompacted(topic: Topic): topic is CompactedTopic {
  return TOPICS[topic].compacted;
}

/** Where a consumer of `topic` sends the messages it cannot accept, when the topic has a DLQ. */
export const DEAD_LETTER_TOPICS = {
  'optscale.gateway.requests.v1': 'optscale.gateway.requests.v1.dlq',
} as const satisfies Partial<Record<Topic, Topic>>;

export type DeadLetterTopic = (typeof DEAD_LETTER_TOPICS)[keyof typeof DEAD_LETTER_TOPICS];
