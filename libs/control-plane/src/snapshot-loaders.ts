import {
  accessMessageKey,
  providerMessageKey,
  type AccessSnapshot,
  type KeySnapshot,
  type ProviderSnapshot,
} from '@optscale/contracts';
import {
  AllowedProvider,
  Organization,
  Provider,
  ProviderModel,
  TeamMember,
  User,
  VirtualKey,
  VirtualKeyProvider,
  credentialEnvelope,
} from '@optscale/database';
import { In, type EntityManager } from 'typeorm';

/*
 * The current state of the relational store as the config topics carry it (libs/contracts
 * config-snapshots.ts), keyed by message key. Loaded in full or for one organization; the
 * publisher diffs them with what the topic holds. Three queries per topic, whatever the size.
 */

/** Values of a compacted topic by message key. */
export type SnapshotMap<V> = Map<string, V>;

function orgWhere(organizationId: string | undefined): { organizationId?: string } {
  return organizationId === undefined ? {} : { organizationId };
}

/** Proxy names by provider id, for the organizations concerned. */
async function proxyNames(
  m: EntityManager,
  organizationId: string | undefined,
): Promise<Map<string, string>> {
  const rows = await m.getRepository(Provider).find({
    select: { id: true, proxyName: true },
    where: orgWhere(organizationId),
  });
  return new Map(rows.map((p) => [p.id, p.proxyName]));
}

/** `optscale.config.keys.v1`: every virtual key (revoked ones too, inactive), by key hash. */
export async function loadKeySnapshots(
  m: EntityManager,
  organizationId?: string,
): Promise<SnapshotMap<KeySnapshot>> {
  const keys = await m.getRepository(VirtualKey).find({ where: orgWhere(organizationId) });
  const names = await proxyNames(m, organizationId);
  const narrowing = new Map<string, string[]>();
  if (keys.length > 0) {
    const rows = await m.getRepository(VirtualKeyProvider).find({
      where: { virtualKeyId: In(keys.map((k) => k.id)) },
    });
    for (const row of rows) {
      const name = names.get(row.providerId);
      if (name === undefined) continue;
      narrowing.set(row.virtualKeyId, [...(narrowing.get(row.virtualKeyId) ?? []), name]);
    }
  }
  const out: SnapshotMap<KeySnapshot> = new Map();
  for (const key of keys) {
    const snapshot: KeySnapshot = {
      keyId: key.id,
      organizationId: key.organizationId,
      userId: key.ownerUserId,
      name: key.name,
      displayPrefix: key.publicId,
      active: key.active,
      expiresAt: key.expiresAt ? key.expiresAt.toISOString() : null,
    };
    const allowed = narrowing.get(key.id);
    if (allowed) snapshot.allowedProviders = allowed.sort();
    out.set(key.keyHash, snapshot);
  }
  return out;
}

/** `optscale.config.access.v1`: every user's role, teams and allowed providers, by `<org>/<user>`. */
export async function loadAccessSnapshots(
  m: EntityManager,
  organizationId?: string,
): Promise<SnapshotMap<AccessSnapshot>> {
  const where = orgWhere(organizationId);
  const users = await m.getRepository(User).find({ where });
  const organizations = new Map(
    (await m.getRepository(Organization).find({ where: organizationId ? { id: organizationId } : {} })).map(
      (o) => [o.id, o],
    ),
  );
  const names = await proxyNames(m, organizationId);
  const allowed = new Map<string, string[]>();
  for (const row of await m.getRepository(AllowedProvider).find({ where })) {
    const name = names.get(row.providerId);
    if (name !== undefined) allowed.set(row.userId, [...(allowed.get(row.userId) ?? []), name]);
  }
  const teams = new Map<string, string[]>();
  if (users.length > 0) {
    const rows = await m.getRepository(TeamMember).find({ where: { userId: In(users.map((u) => u.id)) } });
    for (const row of rows) teams.set(row.userId, [...(teams.get(row.userId) ?? []), row.teamId]);
  }
  const out: SnapshotMap<AccessSnapshot> = new Map();
  for (const user of users) {
    const organization = organizations.get(user.organizationId);
    if (!organization) continue;
    out.set(accessMessageKey(user.organizationId, user.id), {
      organizationId: user.organizationId,
      userId: user.id,
      email: user.email,
      role: user.role,
      teamIds: (teams.get(user.id) ?? []).sort(),
      allowedProviders: (allowed.get(user.id) ?? []).sort(),
      organization: {
        name: organization.name,
        currency: organization.currency,
        contentLogging: organization.contentLogging,
      },
    });
  }
  return out;
}

/** `optscale.config.providers.v1`: every provider connection with its models, by `<org>/<proxy>`. */
export async function loadProviderSnapshots(
  m: EntityManager,
  organizationId?: string,
): Promise<SnapshotMap<ProviderSnapshot>> {
  const providers = await m.getRepository(Provider).find({ where: orgWhere(organizationId) });
  const models = new Map<string, string[]>();
  if (providers.length > 0) {
    const rows = await m.getRepository(ProviderModel).find({
      where: { providerId: In(providers.map((p) => p.id)) },
      order: { model: 'ASC' },
    });
    for (const row of rows) models.set(row.providerId, [...(models.get(row.providerId) ?? []), row.model]);
  }
  const out: SnapshotMap<ProviderSnapshot> = new Map();
  for (const provider of providers) {
    // A connection without a base URL cannot be called; it is not distributed until it has one.
    if (!provider.baseUrl) continue;
    const snapshot: ProviderSnapshot = {
      id: provider.id,
      organizationId: provider.organizationId,
      name: provider.name,
      proxyName: provider.proxyName,
      apiType: provider.apiType as ProviderSnapshot['apiType'],
      baseUrl: provider.baseUrl.replace(/\/+$/, ''),
      status: provider.status,
      models: models.get(provider.id) ?? [],
      position: provider.position,
      credential: credentialEnvelope(provider),
    };
    if (provider.apiVersion) snapshot.apiVersion = provider.apiVersion;
    out.set(providerMessageKey(provider.organizationId, provider.proxyName), snapshot);
  }
  return out;
}
