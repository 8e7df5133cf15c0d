import { Inject, Injectable } from '@nestjs/common';
import {
  hashPassword,
  likePattern,
  problems,
  writeAudit,
  type Actor,
  type Page,
  type RouteInput,
} from '@optscale/admin-api';
import { Organization, User } from '@optscale/database';
import type { z } from 'zod';
import { AuthStore } from '../publishers';
import { iso } from '../schemas';
import type { organizationRoutes, organizationSchema } from './organizations.routes';

type Routes = typeof organizationRoutes;
type OrganizationView = z.output<typeof organizationSchema>;

export function organizationView(o: Organization): OrganizationView {
  return {
    id: o.id,
    name: o.name,
    currency: o.currency,
    content_logging: o.contentLogging,
    created_at: iso(o.createdAt),
  };
}

@Injectable()
export class OrganizationsService {
  constructor(@Inject(AuthStore) private readonly store: AuthStore) {}

  async create(actor: Actor, body: RouteInput<Routes['create']>['body']) {
    // Hashing is slow (scrypt); do it before the transaction holds a connection.
    const passwordHash = body.admin ? await hashPassword(body.admin.password) : null;
    let organizationId = '';
    const result = await this.store.dataSource.transaction(async (m) => {
      const organization = await m
        .getRepository(Organization)
        .save({ name: body.name, currency: body.currency });
      organizationId = organization.id;
      await writeAudit(m, {
        organizationId: organization.id,
        actor,
        action: 'organization.create',
        entityType: 'organization',
        entityId: organization.id,
        after: organizationView(organization),
      });
      if (!body.admin) return { ...organizationView(organization) };
      const admin = await m.getRepository(User).save({
        organizationId: organization.id,
        email: body.admin.email,
        name: body.admin.name,
        role: 'admin' as const,
        passwordHash,
      });
      const adminView = { id: admin.id, email: admin.email, name: admin.name, role: admin.role };
      await writeAudit(m, {
        organizationId: organization.id,
        actor,
        action: 'user.create',
        entityType: 'user',
        entityId: admin.id,
        after: adminView,
      });
      return { ...organizationView(organization), admin: adminView };
    });
    // The new admin's (empty) AI Access goes to the gateways like any other user's.
    await this.store.sync(organizationId, ['access']);
    return result;
  }

  async list(actor: Actor, query: RouteInput<Routes['list']>['query']): Promise<Page<OrganizationView>> {
    const qb = this.store.dataSource.getRepository(Organization).createQueryBuilder('o');
    if (actor.kind === 'user') qb.andWhere('o.id = :id', { id: actor.organizationId });
    if (query.search) qb.andWhere('o.name ILIKE :search', { search: likePattern(query.search) });
    const column = query.sort === 'name' ? 'o.name' : 'o.createdAt';
    qb.orderBy(column, query.order === 'asc' ? 'ASC' : 'DESC').addOrderBy('o.id', 'ASC');
    const [rows, total] = await qb.skip(query.offset).take(query.limit).getManyAndCount();
    return { items: rows.map(organizationView), total, limit: query.limit, offset: query.offset };
  }

  async get(organizationId: string): Promise<OrganizationView> {
    const organization = await this.store.dataSource
      .getRepository(Organization)
      .findOneBy({ id: organizationId });
    if (!organization) throw problems.notFound('organization', organizationId);
    return organizationView(organization);
  }

  async update(
    actor: Actor,
    organizationId: string,
    body: RouteInput<Routes['update']>['body'],
  ): Promise<OrganizationView> {
    // Name, currency and content logging ride on every access record of the organization, so those
    // are republished.
    return this.store.change(organizationId, ['access'], async (m) => {
      const organization = await m.getRepository(Organization).findOneBy({ id: organizationId });
      if (!organization) throw problems.notFound('organization', organizationId);
      const before = organizationView(organization);
      if (body.name !== undefined) organization.name = body.name;
      if (body.currency !== undefined) organization.currency = body.currency;
      if (body.content_logging !== undefined) organization.contentLogging = body.content_logging;
      await m.getRepository(Organization).save(organization);
      const after = organizationView(organization);
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'organization.update',
        entityType: 'organization',
        entityId: organizationId,
        before,
        after,
      });
      return after;
    });
  }

  /**
   * Deletes the organization; the foreign keys cascade to its users, teams, keys, providers and
   * audit log. No audit row is written: it would be deleted with the organization (the server log
   * of the installation token's use is the record). Both topics are then synced for the
   * organization, which tombstones every key and access record it had.
   */
  async delete(organizationId: string): Promise<void> {
    await this.store.change(organizationId, ['keys', 'access'], async (m) => {
      const result = await m.getRepository(Organization).delete({ id: organizationId });
      if (!result.affected) throw problems.notFound('organization', organizationId);
    });
  }
}
