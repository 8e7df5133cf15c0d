import { defineRoute, organizationParams, pageSchema, paginationQuery, uuidParam } from '@optscale/admin-api';
import { z } from 'zod';
import { isoDateTime } from '../schemas';

export const auditRowSchema = z.object({
  id: z.string(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string().nullable(),
  /** Null: the installation token or the system (config import). */
  actor_user_id: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  created_at: z.string(),
});

export const auditRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/audit-log',
    summary: 'Admin changes in the organization, newest first',
    tag: 'Audit log',
    access: 'admin',
    params: organizationParams,
    query: z.object({
      ...paginationQuery,
      action: z.string().trim().min(1).max(64).optional(),
      entity_type: z.string().trim().min(1).max(64).optional(),
      actor_user_id: uuidParam.optional(),
      from: isoDateTime.optional(),
      to: isoDateTime.optional(),
    }),
    response: pageSchema(auditRowSchema),
  }),
};
