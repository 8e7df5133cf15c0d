import type { PolicySnapshot, RoutingRuleSnapshot } from '@optscale/contracts';
import { providerAdapter, type ProviderAdapter, type ProviderApiType } from '@optscale/providers';
import { hashKey } from '../auth/key-hash';
import type { OrganizationPricing } from '../pricing/organization-pricing';
import type { ConfigFile, OrganizationConfig } from './config-file';
import type { TargetHealthMap } from './target-health';

export interface ProviderConnection {
  /**
   * Stable id: the catalog's connection id when the state comes from the bus, else (config file)
   * `<organization id>/<proxy_name>`.
   */
  id: string;
  name: string;
  proxyName: string;
  apiType: ProviderApiType;
  adapter: ProviderAdapter;
  baseUrl: string;
  /** Decrypted credential; never logged, never traced. */
  apiKey: string;
  /**
   * Set when the credential could not be decrypted (a key-encryption key this gateway lacks, a
   * tampered envelope). The connection stays listed, so that requests for it get a clear error
   * instead of a misleading 404, but it is never called. Says why, never the secret.
   */
  credentialError?: string;
  apiVersion?: string;
  active: boolean;
  /** Models it serves; empty = any model, by prefix only. */
  models: ReadonlySet<string>;
}

export interface UserRecord {
  id: string;
  email: string;
  role: 'admin' | 'manager' | 'member';
  /** Empty when the source carries no teams (the config file). */
  teamIds: readonly string[];
  allowedProviders: ReadonlySet<string>;
}

export interface KeyRecord {
  id: string;
  name: string;
  organization: OrganizationState;
  user: UserRecord;
  active: boolean;
  /** Unix ms, or undefined for no expiry. */
  expiresAt?: number;
  /**
   * Proxy names this key is limited to, narrowing its owner's allowed providers (the effective set is
   * the intersection, see `keyMayUse`). Undefined: the owner's access applies unchanged.
   */
  allowedProviders?: ReadonlySet<string>;
}

/**
 * Whether a key may reach a provider: its owner must be allowed it and, when the key is narrowed,
 * so must the key. Checked per candidate instead of materializing the intersection, so the hot path
 * allocates nothing.
 */
export function keyMayUse(key: KeyRecord, proxyName: string): boolean {
  return key.user.allowedProviders.has(proxyName) && (key.allowedProviders?.has(proxyName) ?? true);
}

export interface OrganizationState {
  id: string;
  name: string;
  currency: string;
  /** Request and response bodies go on the trace (record/content-log.ts). Off unless set. */
  contentLogging?: boolean;
  providers: ReadonlyMap<string, ProviderConnection>;
  /** Bare model name → the providers listing it, in config order. */
  modelIndex: ReadonlyMap<string, readonly ProviderConnection[]>;
  /**
   * Routing rules and policies as published (libs/contracts). The route and policy stages compile
   * them once per state (their own caches, keyed by this object), so a state swap recompiles.
   */
  routingRules: readonly RoutingRuleSnapshot[];
  policies: readonly PolicySnapshot[];
  /**
   * The organization's prices (its overrides over the built-in catalog), resolved and memoized per
   * state, for the record stage and the budgets. Absent: the catalog alone (pricing/).
   */
  pricing?: OrganizationPricing;
}

/** Everything the hot path needs, in memory: built once per config (re)load, swapped atomically. */
export interface GatewayState {
  organizations: ReadonlyMap<string, OrganizationState>;
  keysByHash: ReadonlyMap<string, KeyRecord>;
  /**
   * The router's open verdicts on routing targets (`optscale.router.health.v1`), shared by every
   * replica; the routing runtime forces its breakers open from them. Kept apart from the
   * organizations so that a verdict swaps only this map and compiled rules survive it. Empty
   * without a bus (the config file).
   */
  targetHealth: TargetHealthMap;
  /** Unix seconds of the load (the `created` of listed models). */
  loadedAt: number;
}

/** The state before anything is loaded: every key unknown. */
export function emptyGatewayState(now = Date.now()): GatewayState {
  return {
    organizations: new Map(),
    keysByHash: new Map(),
    targetHealth: new Map(),
    loadedAt: Math.floor(now / 1000),
  };
}

export function buildGatewayState(config: ConfigFile, now = Date.now()): GatewayState {
  const organizations = new Map<string, OrganizationState>();
  const keysByHash = new Map<string, KeyRecord>();
  for (const orgConfig of config.organizations) {
    if (organizations.has(orgConfig.id)) throw new Error(`duplicate organization id ${orgConfig.id}`);
    const org = buildOrganization(orgConfig);
    organizations.set(org.id, org);
    for (const userConfig of orgConfig.users) {
      for (const p of userConfig.allowed_providers) {
        if (!org.providers.has(p)) {
          throw new Error(`user ${userConfig.email} in ${org.id}: allowed provider "${p}" is not configured`);
        }
      }
      const user: UserRecord = {
        id: `${org.id}/${userConfig.email}`,
        email: userConfig.email,
        role: userConfig.role,
        teamIds: [],
        allowedProviders: new Set(userConfig.allowed_providers),
      };
      for (const keyConfig of userConfig.keys) {
        const hash = keyConfig.hash ?? hashKey(keyConfig.value ?? '');
        if (keysByHash.has(hash))
          throw new Error(`key "${keyConfig.name}" of ${user.email} is configured twice`);
        const record: KeyRecord = {
          id: `key_${hash.slice(7, 23)}`,
          name: keyConfig.name,
          organization: org,
          user,
          active: keyConfig.active,
        };
        if (keyConfig.expires_at !== undefined) record.expiresAt = Date.parse(keyConfig.expires_at);
        keysByHash.set(hash, record);
      }
    }
  }
  return { organizations, keysByHash, targetHealth: new Map(), loadedAt: Math.floor(now / 1000) };
}

function buildOrganization(config: OrganizationConfig): OrganizationState {
  const providers = new Map<string, ProviderConnection>();
  const modelIndex = new Map<string, ProviderConnection[]>();
  for (const p of config.providers) {
    if (providers.has(p.proxy_name)) {
      throw new Error(`organization ${config.id}: proxy_name "${p.proxy_name}" is used twice`);
    }
    const connection: ProviderConnection = {
      id: `${config.id}/${p.proxy_name}`,
      name: p.name,
      proxyName: p.proxy_name,
      apiType: p.api_type,
      adapter: providerAdapter(p.api_type),
      baseUrl: p.base_url.replace(/\/+$/, ''),
      apiKey: p.api_key,
      active: p.status === 'active',
      models: new Set(p.models),
    };
    if (p.api_version !== undefined) connection.apiVersion = p.api_version;
    providers.set(p.proxy_name, connection);
    for (const model of p.models) {
      const list = modelIndex.get(model) ?? [];
      list.push(connection);
      modelIndex.set(model, list);
    }
  }
  return {
    id: config.id,
    name: config.name,
    currency: config.currency,
    providers,
    modelIndex,
    routingRules: [],
    policies: [],
  };
}
