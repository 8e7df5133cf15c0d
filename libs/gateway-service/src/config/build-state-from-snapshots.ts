import {
  accessMessageKey,
  type AccessSnapshot,
  type EncryptedSecret,
  type ProviderSnapshot,
} from '@optscale/contracts';
import { providerAdapter } from '@optscale/providers';
import { pricingByOrganization } from '../pricing/organization-pricing';
import type { ConfigSnapshots } from './config-snapshots';
import { buildTargetHealth } from './target-health';
import type {
  GatewayState,
  KeyRecord,
  OrganizationState,
  ProviderConnection,
  UserRecord,
} from './gateway-state';

/**
 * Turns a provider's credential envelope into the plaintext key; throws when it cannot (a KEK this
 * gateway lacks, a tampered envelope, an envelope bound to another provider). Gets the provider's
 * catalog id because producers bind the envelope to it as additional authenticated data.
 */
export type DecryptCredential = (envelope: EncryptedSecret, provider: { id: string }) => string;

/** What the build had to leave out or could not use, for readiness and logs (never secrets). */
export interface SnapshotBuildReport {
  /** Provider connection ids whose credential did not decrypt: listed, but refused on use. */
  undecryptableProviders: string[];
  /** Keys skipped because their owner has no access record (yet, or any more): unknown keys. */
  keysWithoutOwner: number;
}

export interface SnapshotBuild {
  state: GatewayState;
  report: SnapshotBuildReport;
}

/**
 * An organization known only from its provider connections (no users yet) still exists; the access
 * records, which carry its name and currency, have not told us those. The config file's default
 * currency stands in until they do.
 */
const FALLBACK_CURRENCY = 'USD';

/**
 * Builds the gateway's in-memory state from the latest config snapshots. Pure: the same snapshots,
 * decryption and clock give the same state, so every replica that has read the same messages serves
 * the same thing. Never throws on data: what cannot be used is left out or marked unusable and
 * reported, because one bad record must not stop a whole fleet from applying the others.
 */
export function buildStateFromSnapshots(
  snapshots: ConfigSnapshots,
  decrypt: DecryptCredential,
  now: number,
): SnapshotBuild {
  const report: SnapshotBuildReport = { undecryptableProviders: [], keysWithoutOwner: 0 };

  // The last access record of an organization is its most recent (see ConfigSnapshots.access).
  const organizationInfo = new Map<string, AccessSnapshot['organization']>();
  for (const access of snapshots.access.values())
    organizationInfo.set(access.organizationId, access.organization);
  const providersByOrganization = new Map<string, ProviderSnapshot[]>();
  for (const provider of snapshots.providers.values()) {
    const list = providersByOrganization.get(provider.organizationId) ?? [];
    list.push(provider);
    providersByOrganization.set(provider.organizationId, list);
  }

  const routesByOrganization = groupByOrganization(snapshots.routes.values());
  const policiesByOrganization = groupByOrganization(snapshots.policies.values());
  const pricingOfOrganization = pricingByOrganization(snapshots.pricing.values());

  const organizations = new Map<string, OrganizationState>();
  for (const id of new Set([...organizationInfo.keys(), ...providersByOrganization.keys()])) {
    const info = organizationInfo.get(id);
    const connections = (providersByOrganization.get(id) ?? [])
      .sort(byPosition)
      .map((snapshot) => toConnection(snapshot, decrypt, report));
    organizations.set(id, {
      id,
      name: info?.name ?? id,
      currency: info?.currency ?? FALLBACK_CURRENCY,
      ...(info?.contentLogging === true ? { contentLogging: true } : {}),
      ...indexProviders(connections),
      routingRules: routesByOrganization.get(id) ?? [],
      policies: policiesByOrganization.get(id) ?? [],
      ...(pricingOfOrganization.has(id) ? { pricing: pricingOfOrganization.get(id) } : {}),
    });
  }

  const users = new Map<string, UserRecord>();
  for (const [messageKey, access] of snapshots.access) {
    users.set(messageKey, {
      id: access.userId,
      email: access.email,
      role: access.role,
      teamIds: access.teamIds,
      allowedProviders: new Set(access.allowedProviders),
    });
  }

  const keysByHash = new Map<string, KeyRecord>();
  for (const [hash, snapshot] of snapshots.keys) {
    const organization = organizations.get(snapshot.organizationId);
    const user = users.get(accessMessageKey(snapshot.organizationId, snapshot.userId));
    if (organization === undefined || user === undefined) {
      report.keysWithoutOwner += 1;
      continue;
    }
    const record: KeyRecord = {
      id: snapshot.keyId,
      name: snapshot.name,
      organization,
      user,
      active: snapshot.active,
    };
    // Expired keys stay: authentication refuses them by time, with a message saying so.
    if (snapshot.expiresAt !== null) record.expiresAt = Date.parse(snapshot.expiresAt);
    if (snapshot.allowedProviders !== undefined) record.allowedProviders = new Set(snapshot.allowedProviders);
    keysByHash.set(hash, record);
  }

  const targetHealth = buildTargetHealth(snapshots.health.values());
  return { state: { organizations, keysByHash, targetHealth, loadedAt: Math.floor(now / 1000) }, report };
}

/** The admin's order (`position`), then the proxy name so that ties are the same on every replica. */
function byPosition(a: ProviderSnapshot, b: ProviderSnapshot): number {
  return a.position - b.position || (a.proxyName < b.proxyName ? -1 : a.proxyName > b.proxyName ? 1 : 0);
}

function toConnection(
  snapshot: ProviderSnapshot,
  decrypt: DecryptCredential,
  report: SnapshotBuildReport,
): ProviderConnection {
  const connection: ProviderConnection = {
    id: snapshot.id,
    name: snapshot.name,
    proxyName: snapshot.proxyName,
    apiType: snapshot.apiType,
    adapter: providerAdapter(snapshot.apiType),
    baseUrl: snapshot.baseUrl.replace(/\/+$/, ''),
    apiKey: '',
    active: snapshot.status === 'active',
    models: new Set(snapshot.models),
  };
  if (snapshot.apiVersion !== undefined) connection.apiVersion = snapshot.apiVersion;
  if (snapshot.credential !== null) {
    try {
      connection.apiKey = decrypt(snapshot.credential, { id: snapshot.id });
    } catch (error) {
      connection.credentialError = error instanceof Error ? error.message : String(error);
      report.undecryptableProviders.push(snapshot.id);
    }
  }
  return connection;
}

function indexProviders(
  connections: readonly ProviderConnection[],
): Pick<OrganizationState, 'providers' | 'modelIndex'> {
  const providers = new Map<string, ProviderConnection>();
  const modelIndex = new Map<string, ProviderConnection[]>();
  for (const connection of connections) {
    providers.set(connection.proxyName, connection);
    for (const model of connection.models) {
      const list = modelIndex.get(model) ?? [];
      list.push(connection);
      modelIndex.set(model, list);
    }
  }
  return { providers, modelIndex };
}

function groupByOrganization<T extends { organizationId: string }>(values: Iterable<T>): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const value of values)
    out.set(value.organizationId, [...(out.get(value.organizationId) ?? []), value]);
  return out;
}
