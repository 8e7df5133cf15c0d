import { AllowedProvider, User } from '@optscale/database';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { activeKeyCounts, allowedProvidersOf, teamsOf } from '../lookups';
import { iso } from '../schemas';
import type { userRowSchema } from './users.routes';

export type UserRow = z.output<typeof userRowSchema>;

/** AI Access rows for users, with their teams, allowed providers and key counts (four queries). */
export async function userRows(m: EntityManager, users: readonly User[]): Promise<UserRow[]> {
  const ids = users.map((u) => u.id);
  const [teams, allowed, keys] = [
    await teamsOf(m, ids),
    await allowedProvidersOf(m, ids),
    await activeKeyCounts(m, ids),
  ];
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    teams: teams.get(u.id) ?? [],
    allowed_providers: allowed.get(u.id) ?? [],
    key_count: keys.get(u.id) ?? 0,
    last_login_at: iso(u.lastLoginAt),
    created_at: iso(u.createdAt),
  }));
}

export async function userRow(m: EntityManager, user: User): Promise<UserRow> {
  const [row] = await userRows(m, [user]);
  if (!row) throw new Error('unreachable: one user in, one row out');
  return row;
}

/** The status line of the AI Access page: all users, and those who cannot reach any provider. */
export async function accessSummary(
  m: EntityManager,
  organizationId: string,
): Promise<{ total: number; without_access: number }> {
  const total = await m.getRepository(User).countBy({ organizationId });
  const withAccess = await m
    .getRepository(AllowedProvider)
    .createQueryBuilder('ap')
    .select('COUNT(DISTINCT ap.user_id)::int', 'count')
    .where('ap.organization_id = :organizationId', { organizationId })
    .getRawOne<{ count: number }>();
  return { total, without_access: total - (withAccess?.count ?? 0) };
}

/** What the audit log keeps of a user: never the password hash (redaction would hide it anyway). */
export function auditView(row: UserRow): Record<string, unknown> {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    team_ids: row.teams.map((t) => t.id),
    allowed_providers: row.allowed_providers,
  };
}
