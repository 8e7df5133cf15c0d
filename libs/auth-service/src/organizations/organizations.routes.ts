import {
  defineRoute,
  orderQuery,
  organizationParams,
  pageSchema,
  paginationQuery,
  searchQuery,
} from '@optscale/admin-api';
import { z } from 'zod';
import { currencySchema, emailSchema, nameSchema, passwordSchema } from '../schemas';

const TAG = 'Organizations';

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  currency: z.string(),
  /** Request and response bodies are kept with the traces (redacted); off by default. */
  content_logging: z.boolean(),
  created_at: z.string(),
});

export const organizationRoutes = {
  create: defineRoute({
    method: 'POST',
    path: '/organizations',
    summary: 'Create an organization, optionally with its first admin',
    tag: TAG,
    access: 'installation',
    body: z.object({
      name: nameSchema,
      currency: currencySchema.default('USD'),
      admin: z.object({ email: emailSchema, name: nameSchema, password: passwordSchema }).optional(),
    }),
    response: organizationSchema.extend({
      admin: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.string() }).optional(),
    }),
    status: 201,
  }),
  list: defineRoute({
    method: 'GET',
    path: '/organizations',
    summary: 'Organizations the caller can see (the installation token: all; a user: their own)',
    tag: TAG,
    access: 'authenticated',
    query: z.object({
      ...paginationQuery,
      sort: z.enum(['name', 'created_at']).default('created_at'),
      order: orderQuery,
      search: searchQuery,
    }),
    response: pageSchema(organizationSchema),
  }),
  get: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId',
    summary: 'One organization',
    tag: TAG,
    access: 'member',
    params: organizationParams,
    response: organizationSchema,
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/organizations/:organizationId',
    summary: 'Rename an organization or change its currency',
    tag: TAG,
    access: 'admin',
    params: organizationParams,
    body: z.object({
      name: nameSchema.optional(),
      currency: currencySchema.optional(),
      content_logging: z.boolean().optional(),
    }),
    response: organizationSchema,
  }),
  delete: defineRoute({
    method: 'DELETE',
    path: '/organizations/:organizationId',
    summary: 'Delete an organization and everything in it (its keys stop working)',
    tag: TAG,
    access: 'installation',
    params: organizationParams,
    status: 204,
  }),
};
