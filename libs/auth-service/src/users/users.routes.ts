import {
  csvEnum,
  defineRoute,
  orderQuery,
  organizationParams,
  pageSchema,
  paginationQuery,
  searchQuery,
  uuidParam,
} from '@optscale/admin-api';
import { USER_ROLES } from '@optscale/contracts';
import { z } from 'zod';
import {
  booleanQuery,
  emailSchema,
  idListSchema,
  nameSchema,
  passwordSchema,
  proxyNamesSchema,
  roleSchema,
} from '../schemas';

const TAG = 'AI Access';

export const userRowSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  teams: z.array(z.object({ id: z.string(), name: z.string() })),
  /** Proxy names of the providers this user may reach (PRODUCT.md 4.3). */
  allowed_providers: z.array(z.string()),
  /** Active virtual keys the user owns. */
  key_count: z.number().int(),
  last_login_at: z.string().nullable(),
  created_at: z.string(),
});

const userParams = organizationParams.extend({ userId: uuidParam });
const allowedProvidersSchema = z.object({ providers: proxyNamesSchema });

export const userRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/users',
    summary: 'The AI Access table: users with roles, teams, allowed providers and keys',
    tag: TAG,
    access: 'manager',
    params: organizationParams,
    query: z.object({
      ...paginationQuery,
      sort: z.enum(['email', 'name', 'created_at', 'last_login_at']).default('created_at'),
      order: orderQuery,
      search: searchQuery,
      role: csvEnum(USER_ROLES),
      team_id: uuidParam.optional(),
      has_access: booleanQuery,
    }),
    response: pageSchema(userRowSchema).extend({
      summary: z.object({ total: z.number().int(), without_access: z.number().int() }),
    }),
  }),
  create: defineRoute({
    method: 'POST',
    path: '/organizations/:organizationId/users',
    summary: 'Add a user (no allowed providers: no access until granted)',
    tag: TAG,
    access: 'admin',
    params: organizationParams,
    body: z.object({
      email: emailSchema,
      name: nameSchema.optional(),
      role: roleSchema.default('member'),
      password: passwordSchema.optional(),
      team_ids: idListSchema.optional(),
      allowed_providers: proxyNamesSchema.optional(),
    }),
    response: userRowSchema,
    status: 201,
  }),
  get: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/users/:userId',
    summary: 'One user (yourself, or anyone as a manager)',
    tag: TAG,
    access: 'member',
    params: userParams,
    response: userRowSchema,
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/organizations/:organizationId/users/:userId',
    summary: "Change a user's name, role, password or teams",
    tag: TAG,
    access: 'admin',
    params: userParams,
    body: z.object({
      name: nameSchema.optional(),
      role: roleSchema.optional(),
      password: passwordSchema.optional(),
      team_ids: idListSchema.optional(),
    }),
    response: userRowSchema,
  }),
  delete: defineRoute({
    method: 'DELETE',
    path: '/organizations/:organizationId/users/:userId',
    summary: 'Remove a user with their keys and sessions',
    tag: TAG,
    access: 'admin',
    params: userParams,
    status: 204,
  }),
  getAllowedProviders: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/users/:userId/allowed-providers',
    summary: "A user's allowed providers (proxy names)",
    tag: TAG,
    access: 'member',
    params: userParams,
    response: allowedProvidersSchema,
  }),
  putAllowedProviders: defineRoute({
    method: 'PUT',
    path: '/organizations/:organizationId/users/:userId/allowed-providers',
    summary: "Replace a user's allowed providers",
    tag: TAG,
    access: 'admin',
    params: userParams,
    body: allowedProvidersSchema,
    response: allowedProvidersSchema,
  }),
};
