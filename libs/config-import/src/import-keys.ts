import { randomUUID } from 'node:crypto';
import { VirtualKey } from '@optscale/database';
import type { UserConfig } from '@optscale/gateway-service';
import { In } from 'typeorm';
import type { Snapshot } from './diff';
import { reconcile, record, type ImportContext } from './import-context';
import { ImportError } from './import-error';
import { keyHashOf, publicIdCandidates } from './key-identity';

type KeyConfig = UserConfig['keys'][number];

export interface KeyOwner {
  organizationId: string;
  orgName: string;
  userId: string;
  email: string;
}

type KeyFields = Pick<VirtualKey, 'name' | 'active' | 'expiresAt'>;

function snapshot(id: string, publicId: string, ownerUserId: string, fields: KeyFields): Snapshot {
  return {
    id,
    publicId,
    ownerUserId,
    name: fields.name,
    active: fields.active,
    expiresAt: fields.expiresAt?.toISOString() ?? null,
  };
}

/**
 * Upserts a user's keys by key hash. Only the hash is stored (a `value` is hashed here and
 * dropped). A hash that already belongs to another organization or user is refused: moving a
 * live key silently would hand one person's credential to another.
 */
export async function importKeys(
  ctx: ImportContext,
  owner: KeyOwner,
  keys: readonly KeyConfig[],
): Promise<void> {
  if (keys.length === 0) return;
  const repo = ctx.manager.getRepository(VirtualKey);
  const hashes = keys.map((key) => keyHashOf(key));
  const stored = new Map((await repo.findBy({ keyHash: In(hashes) })).map((k) => [k.keyHash, k]));

  for (const [i, config] of keys.entries()) {
    const keyHash = hashes[i] ?? keyHashOf(config);
    const existing = stored.get(keyHash);
    const where = `organization "${owner.orgName}", user ${owner.email}, key "${config.name}"`;
    if (existing && existing.organizationId !== owner.organizationId) {
      throw new ImportError(`${where}: this key already belongs to another organization`);
    }
    if (existing && existing.ownerUserId !== owner.userId) {
      throw new ImportError(`${where}: this key already belongs to another user`);
    }
    const fields: KeyFields = {
      name: config.name,
      // Revocation is final: a re-import (at every boot with OPTSCALE_CONFIG) must never bring back a
      // key someone revoked because it leaked. To use a key again, issue a new one.
      active: config.active && !existing?.revokedAt,
      expiresAt: config.expires_at === undefined ? null : new Date(config.expires_at),
    };
    const id = existing?.id ?? randomUUID();
    const publicId = existing?.publicId ?? (await freePublicId(ctx, keyHash, where));
    const before = existing ? snapshot(id, existing.publicId, existing.ownerUserId, existing) : null;
    const after = snapshot(id, publicId, owner.userId, fields);
    const result = reconcile(before, after);

    if (result.outcome === 'created') {
      await repo.insert({
        id,
        organizationId: owner.organizationId,
        ownerUserId: owner.userId,
        publicId,
        keyHash,
        ...fields,
        revokedAt: fields.active ? null : ctx.now,
      });
    } else if (result.outcome === 'updated') {
      await repo.update({ id }, { ...fields, ...revocation(existing, fields.active, ctx.now) });
    }
    await record(ctx, {
      kind: 'virtualKeys',
      entityType: 'virtual_key',
      organizationId: owner.organizationId,
      entityId: id,
      before,
      after,
      result,
    });
  }
}

/** `revoked_at` is set when the file deactivates a key (it is never cleared: see `active` above). */
function revocation(
  existing: VirtualKey | undefined,
  active: boolean,
  now: Date,
): Partial<Pick<VirtualKey, 'revokedAt'>> {
  if (!existing || existing.active === active) return {};
  return active ? {} : { revokedAt: now };
}

/** The shortest `imp-<hex>` id of this hash that no other key uses (a collision is improbable, not impossible). */
async function freePublicId(ctx: ImportContext, keyHash: string, where: string): Promise<string> {
  const candidates = publicIdCandidates(keyHash);
  const taken = new Set(
    (await ctx.manager.getRepository(VirtualKey).findBy({ publicId: In(candidates) })).map((k) => k.publicId),
  );
  const free = candidates.find((candidate) => !taken.has(candidate));
  if (!free) throw new ImportError(`${where}: no free public id for this key`);
  return free;
}
