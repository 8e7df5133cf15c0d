import { z } from 'zod';
import {
  defineRoute,
  orderQuery,
  organizationParams,
  pageSchema,
  paginationQuery,
  searchQuery,
  uuidParam,
} from '@optscale/admin-api';
import { decimalString } from './decimal';

export const pricingOverrideSchema = z.object({
  id: z.uuid(),
  model: z.string(),
  /** null: the price applies to the model on every provider of the organization. */
  provider_id: z.uuid().nullable(),
  input_per_mtok: z.string(),
  output_per_mtok: z.string(),
  cache_read_per_mtok: z.string().nullable(),
  cache_write_per_mtok: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const overrideParams = organizationParams.extend({ overrideId: uuidParam });
const model = z.string().trim().min(1).max(255);

export const pricingRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/pricing-overrides',
    summary: "The organization's model prices (per million tokens, decimal strings)",
    tag: 'Providers',
    access: 'manager',
    params: organizationParams,
    query: z.object({
      ...paginationQuery,
      sort: z.enum(['model', 'created_at', 'updated_at']).default('model'),
      order: orderQuery,
      search: searchQuery,
      provider_id: uuidParam.optional(),
    }),
    response: pageSchema(pricingOverrideSchema),
  }),
  create: defineRoute({
    method: 'POST',
    path: '/organizations/:organizationId/pricing-overrides',
    summary: 'Set a price for a model (one provider, or every provider when provider_id is null)',
    tag: 'Providers',
    access: 'admin',
    params: organizationParams,
    body: z.object({
      model,
      provider_id: uuidParam.nullable().optional(),
      input_per_mtok: decimalString,
      output_per_mtok: decimalString,
      cache_read_per_mtok: decimalString.nullable().optional(),
      cache_write_per_mtok: decimalString.nullable().optional(),
    }),
    response: pricingOverrideSchema,
    status: 201,
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/organizations/:organizationId/pricing-overrides/:overrideId',
    summary: 'Change a price',
    tag: 'Providers',
    access: 'admin',
    params: overrideParams,
    body: z.object({
      model: model.optional(),
      provider_id: uuidParam.nullable().optional(),
      input_per_mtok: decimalString.optional(),
      output_per_mtok: decimalString.optional(),
      cache_read_per_mtok: decimalString.nullable().optional(),
      cache_write_per_mtok: decimalString.nullable().optional(),
    }),
    response: pricingOverrideSchema,
  }),
  remove: defineRoute({
    method: 'DELETE',
    path: '/organizations/:organizationId/pricing-overrides/:overrideId',
    summary: 'Remove a price (the built-in catalog applies again)',
    tag: 'Providers',
    access: 'admin',
    params: overrideParams,
    status: 204,
  }),
};
