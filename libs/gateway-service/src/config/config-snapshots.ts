import type {
  AccessSnapshot,
  KeySnapshot,
  PolicySnapshot,
  PricingOverrideSnapshot,
  ProviderSnapshot,
  RoutingRuleSnapshot,
  TargetHealth,
} from '@optscale/contracts';

/**
 * The compacted topics the gateway builds its state from: the control plane's configuration, and
 * the router's health verdicts (which change often and only touch the breakers, so they are applied
 * without rebuilding the rest; see BusConfigSource).
 */
export const CONFIG_TOPICS = [
  'optscale.config.keys.v1',
  'optscale.config.access.v1',
  'optscale.config.providers.v1',
  'optscale.config.routes.v1',
  'optscale.config.policies.v1',
  'optscale.config.pricing.v1',
  'optscale.router.health.v1',
] as const;
export type ConfigTopic = (typeof CONFIG_TOPICS)[number];

/** The latest snapshot of every entity on the config topics, by message key. */
export interface ConfigSnapshots {
  /** By key hash. */
  keys: ReadonlyMap<string, KeySnapshot>;
  /**
   * By `<organization id>/<user id>`, in arrival order: the last record of an organization is its
   * most recent, which is where the organization's name and currency come from.
   */
  access: ReadonlyMap<string, AccessSnapshot>;
  /** By `<organization id>/<proxy name>`. */
  providers: ReadonlyMap<string, ProviderSnapshot>;
  /** By `<organization id>/<rule id>`. */
  routes: ReadonlyMap<string, RoutingRuleSnapshot>;
  /** By `<organization id>/<policy id>`, guardrails embedded. */
  policies: ReadonlyMap<string, PolicySnapshot>;
  /** By `<organization id>/<proxy name or *>/<model>`: the organizations' own prices. */
  pricing: ReadonlyMap<string, PricingOverrideSnapshot>;
  /** By `<organization id>/<proxy name>/<model>`: the router's latest verdict per target. */
  health: ReadonlyMap<string, TargetHealth>;
}

export interface MutableConfigSnapshots extends ConfigSnapshots {
  keys: Map<string, KeySnapshot>;
  access: Map<string, AccessSnapshot>;
  providers: Map<string, ProviderSnapshot>;
  routes: Map<string, RoutingRuleSnapshot>;
  policies: Map<string, PolicySnapshot>;
  pricing: Map<string, PricingOverrideSnapshot>;
  health: Map<string, TargetHealth>;
}

export function emptyConfigSnapshots(): MutableConfigSnapshots {
  return {
    keys: new Map(),
    access: new Map(),
    providers: new Map(),
    routes: new Map(),
    policies: new Map(),
    pricing: new Map(),
    health: new Map(),
  };
}

/**
 * Folds one message of a compacted topic into its map: the latest value per message key wins and a
 * tombstone (null) deletes. A value is deleted before it is set again so that the map iterates in
 * arrival order. Replaying a message is harmless (compaction and consumer restarts redeliver).
 * Returns whether the map may have changed.
 */
export function foldSnapshot<V>(map: Map<string, V>, key: string, value: V | null): boolean {
  if (value === null) return map.delete(key);
  map.delete(key);
  map.set(key, value);
  return true;
}
