import { Inject, Injectable } from '@nestjs/common';
import {
  assertSelfOrRole,
  hashPassword,
  likePattern,
  problems,
  writeAudit,
  type Actor,
  type RouteInput,
} from '@optscale/admin-api';
import { Session, User } from '@optscale/database';
import type { EntityManager } from 'typeorm';
import {
  allowedProvidersOf,
  findUserOr404,
  providerIdsByProxyName,
  replaceAllowedProviders,
  replaceTeams,
} from '../lookups';
import { AuthStore } from '../publishers';
import { conflictOn } from '../schemas';
import { accessSummary, auditView, userRow, userRows, type UserRow } from './user-rows';
import type { userRoutes } from './users.routes';

type Routes = typeof userRoutes;
type In<K extends keyof Routes> = RouteInput<Routes[K]>;

const SORT_COLUMNS = {
  email: 'u.email',
  name: 'u.name',
  created_at: 'u.createdAt',
  last_login_at: 'u.lastLoginAt',
} as const;

const EMAIL_TAKEN = 'a user with this email already exists in this organization';

@Injectable()
export class UsersService {
  constructor(@Inject(AuthStore) private readonly store: AuthStore) {}

  async list(organizationId: string, query: In<'list'>['query']) {
    const m = this.store.dataSource.manager;
    const qb = m
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.organization_id = :organizationId', { organizationId });
    if (query.search) {
      qb.andWhere('(u.email ILIKE :search OR u.name ILIKE :search)', { search: likePattern(query.search) });
    }
    if (query.role) qb.andWhere('u.role IN (:...roles)', { roles: query.role });
    if (query.team_id) {
      qb.andWhere('EXISTS (SELECT 1 FROM team_members tm WHERE tm.user_id = u.id AND tm.team_id = :teamId)', {
        teamId: query.team_id,
      });
    }
    if (query.has_access !== undefined) {
      const exists = 'EXISTS (SELECT 1 FROM allowed_providers ap WHERE ap.user_id = u.id)';
      qb.andWhere(query.has_access ? exists : `NOT ${exists}`);
    }
    // Never-logged-in users sort last either way: "who logged in recently" is the question asked.
    qb.orderBy(SORT_COLUMNS[query.sort], query.order === 'asc' ? 'ASC' : 'DESC', 'NULLS LAST').addOrderBy(
      'u.id',
      'ASC',
    );
    const [users, total] = await qb.skip(query.offset).take(query.limit).getManyAndCount();
    return {
      items: await userRows(m, users),
      total,
      limit: query.limit,
      offset: query.offset,
      summary: await accessSummary(m, organizationId),
    };
  }

  async create(actor: Actor, organizationId: string, body: In<'create'>['body']): Promise<UserRow> {
    const passwordHash = body.password ? await hashPassword(body.password) : null;
    return this.store.change(organizationId, ['access'], async (m) => {
      if (await m.getRepository(User).existsBy({ organizationId, email: body.email })) {
        throw problems.conflict(EMAIL_TAKEN, 'body.email');
      }
      const providers = await providerIdsByProxyName(
        m,
        organizationId,
        body.allowed_providers ?? [],
        'body.allowed_providers',
      );
      const user = await conflictOn('UQ_users_organization_email', 'body.email', EMAIL_TAKEN, () =>
        m.getRepository(User).save({
          organizationId,
          email: body.email,
          name: body.name ?? body.email.split('@')[0] ?? body.email,
          role: body.role,
          passwordHash,
        }),
      );
      await replaceTeams(m, user, body.team_ids ?? [], 'body.team_ids');
      await replaceAllowedProviders(m, user, [...providers.values()]);
      const row = await userRow(m, user);
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'user.create',
        entityType: 'user',
        entityId: user.id,
        after: auditView(row),
      });
      return row;
    });
  }

  async get(actor: Actor, organizationId: string, userId: string): Promise<UserRow> {
    assertSelfOrRole(actor, organizationId, userId, 'manager', 'user', userId);
    const m = this.store.dataSource.manager;
    return userRow(m, await findUserOr404(m, organizationId, userId));
  }

  async update(
    actor: Actor,
    organizationId: string,
    userId: string,
    body: In<'update'>['body'],
  ): Promise<UserRow> {
    const passwordHash = body.password ? await hashPassword(body.password) : undefined;
    return this.store.change(organizationId, ['access'], async (m) => {
      const user = await findUserOr404(m, organizationId, userId);
      const before = auditView(await userRow(m, user));
      if (body.role !== undefined && body.role !== 'admin' && user.role === 'admin') {
        await this.assertNotLastAdmin(m, user, 'body.role');
      }
      if (body.name !== undefined) user.name = body.name;
      if (body.role !== undefined) user.role = body.role;
      if (passwordHash !== undefined) {
        user.passwordHash = passwordHash;
        // A password reset by an admin is usually about a compromised account: end its sessions.
        await m.getRepository(Session).delete({ userId: user.id });
      }
      await m.getRepository(User).save(user);
      if (body.team_ids !== undefined) await replaceTeams(m, user, body.team_ids, 'body.team_ids');
      const row = await userRow(m, user);
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'user.update',
        entityType: 'user',
        entityId: user.id,
        before,
        after: { ...auditView(row), password_changed: passwordHash !== undefined },
      });
      return row;
    });
  }

  /** Deletes the user; keys, sessions, memberships and access cascade, and are tombstoned on the bus. */
  async delete(actor: Actor, organizationId: string, userId: string): Promise<void> {
    if (actor.kind === 'user' && actor.userId === userId) {
      throw problems.conflict('you cannot delete yourself; ask another admin');
    }
    await this.store.change(organizationId, ['keys', 'access'], async (m) => {
      const user = await findUserOr404(m, organizationId, userId);
      if (user.role === 'admin') await this.assertNotLastAdmin(m, user);
      const before = auditView(await userRow(m, user));
      await m.getRepository(User).delete({ id: user.id });
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'user.delete',
        entityType: 'user',
        entityId: user.id,
        before,
      });
    });
  }

  async getAllowedProviders(actor: Actor, organizationId: string, userId: string) {
    assertSelfOrRole(actor, organizationId, userId, 'manager', 'user', userId);
    const m = this.store.dataSource.manager;
    await findUserOr404(m, organizationId, userId);
    return { providers: (await allowedProvidersOf(m, [userId])).get(userId) ?? [] };
  }

  async putAllowedProviders(
    actor: Actor,
    organizationId: string,
    userId: string,
    body: In<'putAllowedProviders'>['body'],
  ) {
    return this.store.change(organizationId, ['access'], async (m) => {
      const user = await findUserOr404(m, organizationId, userId);
      const before = (await allowedProvidersOf(m, [userId])).get(userId) ?? [];
      const providers = await providerIdsByProxyName(m, organizationId, body.providers, 'body.providers');
      await replaceAllowedProviders(m, user, [...providers.values()]);
      const after = (await allowedProvidersOf(m, [userId])).get(userId) ?? [];
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'user.allowed_providers.update',
        entityType: 'user',
        entityId: userId,
        before: { allowed_providers: before },
        after: { allowed_providers: after },
      });
      return { providers: after };
    });
  }

  /**
   * An organization without an admin cannot be administered by its own people any more (only the
   * installation token could repair it), so the last admin is neither demoted nor deleted. The row
   * lock serializes two admins demoting each other at the same moment.
   */
  private async assertNotLastAdmin(m: EntityManager, user: User, field?: string): Promise<void> {
    const admins = await m
      .getRepository(User)
      .createQueryBuilder('u')
      .setLock('pessimistic_write')
      .where('u.organization_id = :organizationId AND u.role = :role', {
        organizationId: user.organizationId,
        role: 'admin',
      })
      .getMany();
    if (admins.length <= 1) {
      throw problems.conflict('the organization must keep at least one admin', field);
    }
  }
}
