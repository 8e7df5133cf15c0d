import { randomUUID } from 'node:crypto';
import { AllowedProvider, User } from '@optscale/database';
import type { OrganizationConfig, UserConfig } from '@optscale/gateway-service';
import { In } from 'typeorm';
import { normalizeEmail } from './check-file';
import { sortedList, type Snapshot } from './diff';
import { reconcile, record, type ImportContext } from './import-context';
import { ImportError } from './import-error';
import { importKeys } from './import-keys';

/** The organization whose users are imported, and its providers' ids by proxy name. */
export interface OrganizationScope {
  id: string;
  name: string;
  providerIds: ReadonlyMap<string, string>;
}

/** The part of an email before the `@`, as the file writes it: the display name when the file gives none. */
export function defaultUserName(email: string): string {
  const at = email.indexOf('@');
  return at > 0 ? email.slice(0, at) : email;
}

/**
 * Upserts the organization's users by email, sets their AI Access to exactly the listed providers
 * and upserts their keys. A user's access is part of the user: changing it is a `user.update`.
 */
export async function importUsers(
  ctx: ImportContext,
  scope: OrganizationScope,
  org: OrganizationConfig,
): Promise<void> {
  const stored = await ctx.manager.getRepository(User).findBy({ organizationId: scope.id });
  const byEmail = new Map(stored.map((u) => [u.email, u]));
  const access = await loadAccess(ctx, scope);
  for (const config of org.users) {
    const email = normalizeEmail(config.email);
    const userId = await importUser(ctx, scope, config, email, byEmail.get(email), access);
    await importKeys(ctx, { organizationId: scope.id, orgName: scope.name, userId, email }, config.keys);
  }
}

async function importUser(
  ctx: ImportContext,
  scope: OrganizationScope,
  config: UserConfig,
  email: string,
  existing: User | undefined,
  access: ReadonlyMap<string, string[]>,
): Promise<string> {
  const id = existing?.id ?? randomUUID();
  const wanted = resolveAccess(scope, email, config.allowed_providers);
  // Without a name in the file, an existing user keeps the one an admin may have given them.
  const name = config.name ?? existing?.name ?? defaultUserName(config.email.trim());
  const current = existing ? (access.get(id) ?? []) : [];
  const before = existing ? snapshot(id, email, existing.name, existing.role, current, scope) : null;
  const after = snapshot(id, email, name, config.role, wanted, scope);
  const result = reconcile(before, after);

  const users = ctx.manager.getRepository(User);
  if (result.outcome === 'created') {
    await users.insert({ id, organizationId: scope.id, email, name, role: config.role });
  } else if (result.outcome === 'updated') {
    await users.update({ id }, { name, role: config.role });
  }
  if (result.outcome !== 'unchanged') await syncAccess(ctx, scope.id, id, current, wanted);
  await record(ctx, {
    kind: 'users',
    entityType: 'user',
    organizationId: scope.id,
    entityId: id,
    before,
    after,
    result,
  });
  return id;
}

function snapshot(
  id: string,
  email: string,
  name: string,
  role: User['role'],
  providerIds: readonly string[],
  scope: OrganizationScope,
): Snapshot {
  const proxyNames = new Map(
    [...scope.providerIds].map(([proxyName, providerId]) => [providerId, proxyName]),
  );
  return {
    id,
    email,
    name,
    role,
    // Proxy names, not ids, so that the audit log reads like the file.
    allowedProviders: sortedList(providerIds.map((p) => proxyNames.get(p) ?? p)),
  };
}

/** The listed proxy names as provider ids; a name that is no provider of the organization fails. */
function resolveAccess(scope: OrganizationScope, email: string, proxyNames: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const proxyName of proxyNames) {
    const providerId = scope.providerIds.get(proxyName);
    if (!providerId) {
      throw new ImportError(
        `organization "${scope.name}", user ${email}: allowed_providers names "${proxyName}", ` +
          'which is not a provider of this organization',
      );
    }
    ids.add(providerId);
  }
  return [...ids];
}

/** Provider ids each user of the organization may use, by user id. */
async function loadAccess(ctx: ImportContext, scope: OrganizationScope): Promise<Map<string, string[]>> {
  const rows = await ctx.manager.getRepository(AllowedProvider).findBy({ organizationId: scope.id });
  const out = new Map<string, string[]>();
  for (const row of rows) out.set(row.userId, [...(out.get(row.userId) ?? []), row.providerId]);
  return out;
}

async function syncAccess(
  ctx: ImportContext,
  organizationId: string,
  userId: string,
  current: readonly string[],
  wanted: readonly string[],
): Promise<void> {
  const repo = ctx.manager.getRepository(AllowedProvider);
  const removed = current.filter((p) => !wanted.includes(p));
  const added = wanted.filter((p) => !current.includes(p));
  if (removed.length > 0) await repo.delete({ userId, providerId: In(removed) });
  if (added.length > 0) {
    await repo.insert(added.map((providerId) => ({ userId, providerId, organizationId })));
  }
}
