import { problems } from '@optscale/admin-api';
import {
  AllowedProvider,
  Provider,
  Team,
  TeamMember,
  User,
  VirtualKey,
  VirtualKeyProvider,
} from '@optscale/database';
import { In, type EntityManager } from 'typeorm';

/*
 * Reads shared by the users, keys and session endpoints: the organization's providers by proxy
 * name, and per-user teams, allowed providers and key counts (one query each, whatever the page size).
 */

export async function findUserOr404(m: EntityManager, organizationId: string, userId: string): Promise<User> {
  const user = await m.getRepository(User).findOneBy({ id: userId, organizationId });
  if (!user) throw problems.notFound('user', userId);
  return user;
}

/**
 * Provider ids for proxy names of the organization, deduplicated. An unknown name is a 400 naming
 * `field` (the Admin UI shows it next to the picker).
 */
export async function providerIdsByProxyName(
  m: EntityManager,
  organizationId: string,
  proxyNames: readonly string[],
  field: string,
): Promise<Map<string, string>> {
  const wanted = [...new Set(proxyNames)];
  if (wanted.length === 0) return new Map();
  const rows = await m.getRepository(Provider).find({
    select: { id: true, proxyName: true },
    where: { organizationId, proxyName: In(wanted) },
  });
  const byName = new Map(rows.map((p) => [p.proxyName, p.id]));
  const unknown = wanted.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw problems.badRequest(`unknown provider proxy name(s): ${unknown.join(', ')}`, field);
  }
  return byName;
}

/** Each user's allowed providers as sorted proxy names. */
export async function allowedProvidersOf(
  m: EntityManager,
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows = await m
    .getRepository(AllowedProvider)
    .createQueryBuilder('ap')
    .innerJoin(Provider, 'p', 'p.id = ap.provider_id')
    .select(['ap.user_id AS user_id', 'p.proxy_name AS proxy_name'])
    .where('ap.user_id IN (:...userIds)', { userIds })
    .orderBy('p.proxy_name', 'ASC')
    .getRawMany<{ user_id: string; proxy_name: string }>();
  for (const row of rows) out.get(row.user_id)?.push(row.proxy_name);
  return out;
}

export interface TeamRef {
  id: string;
  name: string;
}

/** Each user's teams, by name. */
export async function teamsOf(m: EntityManager, userIds: readonly string[]): Promise<Map<string, TeamRef[]>> {
  const out = new Map<string, TeamRef[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows = await m
    .getRepository(TeamMember)
    .createQueryBuilder('tm')
    .innerJoin(Team, 't', 't.id = tm.team_id')
    .select(['tm.user_id AS user_id', 't.id AS id', 't.name AS name'])
    .where('tm.user_id IN (:...userIds)', { userIds })
    .orderBy('t.name', 'ASC')
    .getRawMany<{ user_id: string; id: string; name: string }>();
  for (const row of rows) out.get(row.user_id)?.push({ id: row.id, name: row.name });
  return out;
}

/** Each user's active (not revoked, not deactivated) virtual keys, counted. */
export async function activeKeyCounts(
  m: EntityManager,
  userIds: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>(userIds.map((id) => [id, 0]));
  if (userIds.length === 0) return out;
  const rows = await m
    .getRepository(VirtualKey)
    .createQueryBuilder('k')
    .select(['k.owner_user_id AS user_id', 'COUNT(*)::int AS count'])
    .where('k.owner_user_id IN (:...userIds) AND k.active', { userIds })
    .groupBy('k.owner_user_id')
    .getRawMany<{ user_id: string; count: number }>();
  for (const row of rows) out.set(row.user_id, row.count);
  return out;
}

/** Each key's narrowing as sorted proxy names; keys without rows are absent (not narrowed). */
export async function keyNarrowing(
  m: EntityManager,
  keyIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (keyIds.length === 0) return out;
  const rows = await m
    .getRepository(VirtualKeyProvider)
    .createQueryBuilder('kp')
    .innerJoin(Provider, 'p', 'p.id = kp.provider_id')
    .select(['kp.virtual_key_id AS key_id', 'p.proxy_name AS proxy_name'])
    .where('kp.virtual_key_id IN (:...keyIds)', { keyIds })
    .orderBy('p.proxy_name', 'ASC')
    .getRawMany<{ key_id: string; proxy_name: string }>();
  for (const row of rows) out.set(row.key_id, [...(out.get(row.key_id) ?? []), row.proxy_name]);
  return out;
}

/** Replaces a user's allowed providers with exactly `providerIds`. */
export async function replaceAllowedProviders(
  m: EntityManager,
  user: User,
  providerIds: readonly string[],
): Promise<void> {
  await m.getRepository(AllowedProvider).delete({ userId: user.id });
  if (providerIds.length === 0) return;
  await m
    .getRepository(AllowedProvider)
    .insert(
      providerIds.map((providerId) => ({ userId: user.id, providerId, organizationId: user.organizationId })),
    );
}

/** Replaces a user's team memberships; every team must belong to the organization (else 400 on `field`). */
export async function replaceTeams(
  m: EntityManager,
  user: User,
  teamIds: readonly string[],
  field: string,
): Promise<void> {
  const wanted = [...new Set(teamIds)];
  if (wanted.length > 0) {
    const found = await m
      .getRepository(Team)
      .countBy({ id: In(wanted), organizationId: user.organizationId });
    if (found !== wanted.length) throw problems.badRequest('unknown team id(s) in this organization', field);
  }
  await m.getRepository(TeamMember).delete({ userId: user.id });
  if (wanted.length === 0) return;
  await m.getRepository(TeamMember).insert(wanted.map((teamId) => ({ teamId, userId: user.id })));
}
