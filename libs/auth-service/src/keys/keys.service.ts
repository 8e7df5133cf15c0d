import { Inject, Injectable } from '@nestjs/common';
import { likePattern, problems, writeAudit, type Actor, type RouteInput } from '@optscale/admin-api';
import { User, VirtualKey, VirtualKeyProvider } from '@optscale/database';
import type { EntityManager } from 'typeorm';
import { providerIdsByProxyName } from '../lookups';
import { AuthStore } from '../publishers';
import { generateVirtualKey } from './key-material';
import {
  assertWithinOwnerAccess,
  auditView,
  findKeyFor,
  keyRow,
  keyRows,
  seesAllKeys,
  type KeyRow,
} from './key-rows';
import type { keyRoutes } from './keys.routes';

type Routes = typeof keyRoutes;
type In<K extends keyof Routes> = RouteInput<Routes[K]>;

const SORT_COLUMNS = { created_at: 'k.createdAt', name: 'k.name', expires_at: 'k.expiresAt' } as const;

/** Replaces a key's narrowing; null removes it (the owner's AI Access applies unchanged). */
async function setNarrowing(
  m: EntityManager,
  key: VirtualKey,
  proxyNames: readonly string[] | null,
  field: string,
): Promise<void> {
  await m.getRepository(VirtualKeyProvider).delete({ virtualKeyId: key.id });
  if (proxyNames === null) return;
  const ids = await providerIdsByProxyName(m, key.organizationId, proxyNames, field);
  await assertWithinOwnerAccess(m, key.ownerUserId, [...ids.keys()], field);
  await m
    .getRepository(VirtualKeyProvider)
    .insert([...ids.values()].map((providerId) => ({ virtualKeyId: key.id, providerId })));
}

/**
 * Virtual keys (PRODUCT.md 4.4). Every change republishes the organization's key snapshots, which
 * is how a revocation reaches the gateways within moments.
 */
@Injectable()
export class KeysService {
  constructor(@Inject(AuthStore) private readonly store: AuthStore) {}

  async list(actor: Actor, organizationId: string, query: In<'list'>['query']) {
    const m = this.store.dataSource.manager;
    const scoped = () => {
      const qb = m
        .getRepository(VirtualKey)
        .createQueryBuilder('k')
        .where('k.organization_id = :organizationId', {
          organizationId,
        });
      if (!seesAllKeys(actor, organizationId)) {
        qb.andWhere('k.owner_user_id = :self', { self: actor.kind === 'user' ? actor.userId : '' });
      }
      return qb;
    };
    const qb = scoped();
    if (query.owner_id) qb.andWhere('k.owner_user_id = :ownerId', { ownerId: query.owner_id });
    if (query.active !== undefined) qb.andWhere('k.active = :active', { active: query.active });
    if (query.search) {
      qb.andWhere('(k.name ILIKE :search OR k.public_id ILIKE :search)', {
        search: likePattern(query.search),
      });
    }
    qb.orderBy(SORT_COLUMNS[query.sort], query.order === 'asc' ? 'ASC' : 'DESC', 'NULLS LAST').addOrderBy(
      'k.id',
      'ASC',
    );
    const [keys, total] = await qb.skip(query.offset).take(query.limit).getManyAndCount();
    const summary = {
      total: await scoped().getCount(),
      active: await scoped().andWhere('k.active').getCount(),
    };
    return { items: await keyRows(m, keys), total, limit: query.limit, offset: query.offset, summary };
  }

  async create(
    actor: Actor,
    organizationId: string,
    body: In<'create'>['body'],
  ): Promise<KeyRow & { key: string }> {
    const ownerId = body.owner_id ?? (actor.kind === 'user' ? actor.userId : undefined);
    if (!ownerId)
      throw problems.badRequest('the installation token must name the key owner', 'body.owner_id');
    if (
      ownerId !== (actor.kind === 'user' ? actor.userId : undefined) &&
      !seesAllKeys(actor, organizationId)
    ) {
      throw problems.forbidden('only managers and admins create keys for other users');
    }
    const generated = generateVirtualKey();
    const row = await this.store.change(organizationId, ['keys'], async (m) => {
      if (!(await m.getRepository(User).existsBy({ id: ownerId, organizationId }))) {
        throw problems.badRequest('no such user in this organization', 'body.owner_id');
      }
      // 10 base62 characters of public id: a collision (on the unique index) is astronomically
      // unlikely, so it is left to fail the request rather than retried.
      const key = await m.getRepository(VirtualKey).save({
        organizationId,
        ownerUserId: ownerId,
        name: body.name,
        publicId: generated.prefix,
        keyHash: generated.hash,
        active: true,
        expiresAt: body.expires_at ? new Date(body.expires_at) : null,
        revokedAt: null,
      });
      if (body.allowed_providers)
        await setNarrowing(m, key, body.allowed_providers, 'body.allowed_providers');
      const created = await keyRow(m, key);
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'virtual_key.create',
        entityType: 'virtual_key',
        entityId: key.id,
        after: auditView(created),
      });
      return created;
    });
    // The plaintext leaves the server here, once; only its hash was stored.
    return { ...row, key: generated.plaintext };
  }

  async get(actor: Actor, organizationId: string, keyId: string): Promise<KeyRow> {
    const m = this.store.dataSource.manager;
    return keyRow(m, await findKeyFor(m, actor, organizationId, keyId));
  }

  async update(
    actor: Actor,
    organizationId: string,
    keyId: string,
    body: In<'update'>['body'],
  ): Promise<KeyRow> {
    return this.store.change(organizationId, ['keys'], async (m) => {
      const key = await findKeyFor(m, actor, organizationId, keyId);
      const before = auditView(await keyRow(m, key));
      if (body.active === true && key.revokedAt) {
        throw problems.conflict('a revoked key cannot be reactivated; create a new one', 'body.active');
      }
      if (body.name !== undefined) key.name = body.name;
      if (body.active !== undefined) key.active = body.active;
      if (body.expires_at !== undefined) key.expiresAt = body.expires_at ? new Date(body.expires_at) : null;
      await m.getRepository(VirtualKey).save(key);
      if (body.allowed_providers !== undefined) {
        await setNarrowing(m, key, body.allowed_providers, 'body.allowed_providers');
      }
      const after = await keyRow(m, key);
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'virtual_key.update',
        entityType: 'virtual_key',
        entityId: key.id,
        before,
        after: auditView(after),
      });
      return after;
    });
  }

  async revoke(actor: Actor, organizationId: string, keyId: string): Promise<KeyRow> {
    return this.store.change(organizationId, ['keys'], async (m) => {
      const key = await findKeyFor(m, actor, organizationId, keyId);
      // Revoking twice is not an error (a retried click); the first revocation time stays.
      if (key.revokedAt) return keyRow(m, key);
      const before = auditView(await keyRow(m, key));
      key.active = false;
      key.revokedAt = new Date();
      await m.getRepository(VirtualKey).save(key);
      const after = await keyRow(m, key);
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'virtual_key.revoke',
        entityType: 'virtual_key',
        entityId: key.id,
        before,
        after: auditView(after),
      });
      return after;
    });
  }

  async delete(actor: Actor, organizationId: string, keyId: string): Promise<void> {
    await this.store.change(organizationId, ['keys'], async (m) => {
      const key = await findKeyFor(m, actor, organizationId, keyId);
      const before = auditView(await keyRow(m, key));
      await m.getRepository(VirtualKey).delete({ id: key.id });
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'virtual_key.delete',
        entityType: 'virtual_key',
        entityId: key.id,
        before,
      });
    });
  }
}
