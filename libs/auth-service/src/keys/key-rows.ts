import { problems, hasRole, type Actor } from '@optscale/admin-api';
import { User, VirtualKey } from '@optscale/database';
import { In, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { allowedProvidersOf, keyNarrowing } from '../lookups';
import { iso } from '../schemas';
import type { keyRowSchema } from './keys.routes';

export type KeyRow = z.output<typeof keyRowSchema>;

/** List rows for keys: owner email and narrowing in two queries. Never the hash. */
export async function keyRows(m: EntityManager, keys: readonly VirtualKey[]): Promise<KeyRow[]> {
  const ownerIds = [...new Set(keys.map((k) => k.ownerUserId))];
  const owners =
    ownerIds.length === 0
      ? new Map<string, string>()
      : new Map(
          (
            await m
              .getRepository(User)
              .find({ select: { id: true, email: true }, where: { id: In(ownerIds) } })
          ).map((u) => [u.id, u.email]),
        );
  const narrowing = await keyNarrowing(
    m,
    keys.map((k) => k.id),
  );
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.publicId,
    owner: { id: k.ownerUserId, email: owners.get(k.ownerUserId) ?? '' },
    allowed_providers: narrowing.get(k.id) ?? null,
    active: k.active,
    expires_at: iso(k.expiresAt),
    created_at: iso(k.createdAt),
    revoked_at: iso(k.revokedAt),
  }));
}

export async function keyRow(m: EntityManager, key: VirtualKey): Promise<KeyRow> {
  const [row] = await keyRows(m, [key]);
  if (!row) throw new Error('unreachable: one key in, one row out');
  return row;
}

/** Whether the actor sees every key of the organization (managers, admins) or only their own. */
export function seesAllKeys(actor: Actor, organizationId: string): boolean {
  return hasRole(actor, organizationId, 'manager');
}

/**
 * The key, if the actor may act on it. Another member's key is a 404 like a missing one, so a
 * member cannot learn which key ids exist.
 */
export async function findKeyFor(
  m: EntityManager,
  actor: Actor,
  organizationId: string,
  keyId: string,
): Promise<VirtualKey> {
  const key = await m.getRepository(VirtualKey).findOneBy({ id: keyId, organizationId });
  const mine = actor.kind === 'user' && key?.ownerUserId === actor.userId;
  if (!key || !(mine || seesAllKeys(actor, organizationId))) throw problems.notFound('key', keyId);
  return key;
}

/**
 * A key's narrowing must stay inside its owner's AI Access: narrowing to a provider the owner
 * cannot use would suggest access the gateway will refuse anyway (it intersects).
 */
export async function assertWithinOwnerAccess(
  m: EntityManager,
  ownerId: string,
  proxyNames: readonly string[],
  field: string,
): Promise<void> {
  const allowed = new Set((await allowedProvidersOf(m, [ownerId])).get(ownerId) ?? []);
  const outside = proxyNames.filter((name) => !allowed.has(name));
  if (outside.length > 0) {
    throw problems.badRequest(`not among the key owner's allowed providers: ${outside.join(', ')}`, field);
  }
}

/** What the audit log keeps of a key: its identity and settings, never the key or its hash. */
export function auditView(row: KeyRow): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    owner_id: row.owner.id,
    allowed_providers: row.allowed_providers,
    active: row.active,
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
  };
}
