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
import { booleanQuery, isoDateTime, nameSchema, proxyNamesSchema } from '../schemas';

const TAG = 'Keys';

export const keyRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The public start of the key (`sk-os-<public id>`): tells keys apart, grants nothing. */
  prefix: z.string(),
  owner: z.object({ id: z.string(), email: z.string() }),
  /** Proxy names the key is narrowed to; null: the owner's allowed providers apply unchanged. */
  allowed_providers: z.array(z.string()).nullable(),
  active: z.boolean(),
  expires_at: z.string().nullable(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});

const keyParams = organizationParams.extend({ keyId: uuidParam });
/** A key narrowed to nothing would be useless; null (on update) removes the narrowing. */
const narrowing = proxyNamesSchema.min(1, 'name at least one provider, or omit the field');
const futureDateTime = isoDateTime.refine((v) => Date.parse(v) > Date.now(), 'must be in the future');

export const keyRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/keys',
    summary: 'Virtual keys (a member sees only their own)',
    tag: TAG,
    access: 'member',
    params: organizationParams,
    query: z.object({
      ...paginationQuery,
      sort: z.enum(['created_at', 'name', 'expires_at']).default('created_at'),
      order: orderQuery,
      search: searchQuery,
      owner_id: uuidParam.optional(),
      active: booleanQuery,
    }),
    response: pageSchema(keyRowSchema).extend({
      summary: z.object({ total: z.number().int(), active: z.number().int() }),
    }),
  }),
  create: defineRoute({
    method: 'POST',
    path: '/organizations/:organizationId/keys',
    summary: 'Create a virtual key; the response is the only time the key is shown',
    tag: TAG,
    access: 'member',
    params: organizationParams,
    body: z.object({
      name: nameSchema,
      owner_id: uuidParam.optional(),
      allowed_providers: narrowing.optional(),
      expires_at: futureDateTime.optional(),
    }),
    response: keyRowSchema.extend({ key: z.string() }),
    status: 201,
  }),
  get: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/keys/:keyId',
    summary: 'One virtual key',
    tag: TAG,
    access: 'member',
    params: keyParams,
    response: keyRowSchema,
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/organizations/:organizationId/keys/:keyId',
    summary: 'Rename, (de)activate, change expiry or narrowing of a key',
    tag: TAG,
    access: 'member',
    params: keyParams,
    body: z.object({
      name: nameSchema.optional(),
      active: z.boolean().optional(),
      expires_at: futureDateTime.nullable().optional(),
      allowed_providers: narrowing.nullable().optional(),
    }),
    response: keyRowSchema,
  }),
  revoke: defineRoute({
    method: 'POST',
    path: '/organizations/:organizationId/keys/:keyId/revoke',
    summary: 'Revoke a key for good (it stays listed, inactive)',
    tag: TAG,
    access: 'member',
    params: keyParams,
    response: keyRowSchema,
  }),
  delete: defineRoute({
    method: 'DELETE',
    path: '/organizations/:organizationId/keys/:keyId',
    summary: 'Delete a key',
    tag: TAG,
    access: 'member',
    params: keyParams,
    status: 204,
  }),
};
