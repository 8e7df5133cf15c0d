import {
  defineRoute,
  orderQuery,
  organizationParams,
  pageSchema,
  paginationQuery,
  searchQuery,
  uuidParam,
} from '@optscale/admin-api';
import { z } from 'zod';
import { idListSchema, nameSchema } from '../schemas';

const TAG = 'AI Access';

export const teamRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  member_count: z.number().int(),
  created_at: z.string(),
});
export const teamDetailSchema = teamRowSchema.extend({
  members: z.array(z.object({ id: z.string(), email: z.string(), name: z.string() })),
});

const teamParams = organizationParams.extend({ teamId: uuidParam });
const description = z.string().trim().max(2000).nullable();

export const teamRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/teams',
    summary: 'Teams of the organization',
    tag: TAG,
    access: 'manager',
    params: organizationParams,
    query: z.object({
      ...paginationQuery,
      sort: z.enum(['name', 'created_at']).default('name'),
      order: orderQuery,
      search: searchQuery,
    }),
    response: pageSchema(teamRowSchema),
  }),
  create: defineRoute({
    method: 'POST',
    path: '/organizations/:organizationId/teams',
    summary: 'Create a team (name unique in the organization)',
    tag: TAG,
    access: 'admin',
    params: organizationParams,
    body: z.object({ name: nameSchema, description: description.optional() }),
    response: teamDetailSchema,
    status: 201,
  }),
  get: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/teams/:teamId',
    summary: 'One team with its members',
    tag: TAG,
    access: 'manager',
    params: teamParams,
    response: teamDetailSchema,
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/organizations/:organizationId/teams/:teamId',
    summary: 'Rename a team or change its description',
    tag: TAG,
    access: 'admin',
    params: teamParams,
    body: z.object({ name: nameSchema.optional(), description: description.optional() }),
    response: teamDetailSchema,
  }),
  delete: defineRoute({
    method: 'DELETE',
    path: '/organizations/:organizationId/teams/:teamId',
    summary: 'Delete a team (its members stay)',
    tag: TAG,
    access: 'admin',
    params: teamParams,
    status: 204,
  }),
  putMembers: defineRoute({
    method: 'PUT',
    path: '/organizations/:organizationId/teams/:teamId/members',
    summary: "Replace a team's members",
    tag: TAG,
    access: 'admin',
    params: teamParams,
    body: z.object({ user_ids: idListSchema }),
    response: teamDetailSchema,
  }),
};
