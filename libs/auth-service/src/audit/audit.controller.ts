import { Controller, Inject } from '@nestjs/common';
import { Endpoint, Input, type Page, type RouteInput } from '@optscale/admin-api';
import { AuditLog } from '@optscale/database';
import type { z } from 'zod';
import { AuthStore } from '../publishers';
import { iso } from '../schemas';
import { auditRoutes as routes, type auditRowSchema } from './audit.routes';

type AuditRow = z.output<typeof auditRowSchema>;

/** The audit log is read-only through the API: rows are written only with the changes they record. */
@Controller()
export class AuditController {
  constructor(@Inject(AuthStore) private readonly store: AuthStore) {}

  @Endpoint(routes.list)
  async list(@Input() input: RouteInput<typeof routes.list>): Promise<Page<AuditRow>> {
    const { query } = input;
    const qb = this.store.dataSource
      .getRepository(AuditLog)
      .createQueryBuilder('a')
      .where('a.organization_id = :organizationId', { organizationId: input.params.organizationId });
    if (query.action) qb.andWhere('a.action = :action', { action: query.action });
    if (query.entity_type) qb.andWhere('a.entity_type = :entityType', { entityType: query.entity_type });
    if (query.actor_user_id) qb.andWhere('a.actor_user_id = :actor', { actor: query.actor_user_id });
    if (query.from) qb.andWhere('a.created_at >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('a.created_at < :to', { to: new Date(query.to) });
    qb.orderBy('a.createdAt', 'DESC').addOrderBy('a.id', 'DESC');
    const [rows, total] = await qb.skip(query.offset).take(query.limit).getManyAndCount();
    return {
      items: rows.map((a) => ({
        id: a.id,
        action: a.action,
        entity_type: a.entityType,
        entity_id: a.entityId,
        actor_user_id: a.actorUserId,
        before: a.before,
        after: a.after,
        created_at: iso(a.createdAt),
      })),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }
}
