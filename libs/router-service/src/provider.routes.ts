import { z } from 'zod';
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
import { PROVIDER_API_TYPES } from '@optscale/contracts';
import { PROXY_NAME_PATTERN } from './provider-defaults';

const STATUSES = ['active', 'inactive'] as const;
const MODEL_SOURCES = ['discovered', 'manual'] as const;

const baseUrl = z
  .url({ protocol: /^https?$/, message: 'an http(s) URL' })
  .max(2048)
  .transform((url) => url.replace(/\/+$/, ''));
const modelName = z.string().trim().min(1).max(255);
/** A provider API key: opaque, but never empty or absurdly long. */
const apiKey = z.string().min(1).max(8192);
const description = z.string().trim().max(2000).nullable();

const providerParams = organizationParams.extend({ providerId: uuidParam });
const modelParams = providerParams.extend({ modelId: uuidParam });

export const providerModelSchema = z.object({
  id: z.uuid(),
  model: z.string(),
  source: z.enum(MODEL_SOURCES),
  created_at: z.string(),
});

export const providerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  proxy_name: z.string(),
  api_type: z.enum(PROVIDER_API_TYPES),
  base_url: z.string().nullable(),
  description: z.string().nullable(),
  status: z.enum(STATUSES),
  position: z.number().int(),
  api_version: z.string().nullable(),
  /** Whether a credential is stored; the credential itself is never returned. */
  has_credential: z.boolean(),
  model_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const providerDetailSchema = providerSchema.extend({ models: z.array(providerModelSchema) });

export const discoveryResultSchema = z.object({
  added: z.number().int(),
  removed: z.number().int(),
  total: z.number().int(),
  models: z.array(providerModelSchema),
});

const createBody = z.object({
  name: z.string().trim().min(1).max(200),
  proxy_name: z
    .string()
    .min(1)
    .max(64)
    .regex(
      PROXY_NAME_PATTERN,
      'lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
    ),
  api_type: z.enum(PROVIDER_API_TYPES),
  /** Defaults to the API type's public endpoint where it has one (OpenAI, Anthropic, Gemini). */
  base_url: baseUrl.optional(),
  description: description.optional(),
  status: z.enum(STATUSES).optional(),
  /** Lower wins a bare model name several providers list; default: after every existing one. */
  position: z.number().int().min(0).max(1_000_000).optional(),
  api_key: apiKey.nullable().optional(),
  /** Azure OpenAI `api-version` (required there). */
  api_version: z.string().trim().min(1).max(64).optional(),
  /** Models added by hand (source `manual`). */
  models: z.array(modelName).max(1000).optional(),
  /** Also list the upstream's models now; a failure is reported, it does not fail the creation. */
  discover_models: z.boolean().optional(),
});

const updateBody = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  /** Immutable: accepted only when it equals the current value (a client sending the whole object). */
  proxy_name: z.string().optional(),
  api_type: z.enum(PROVIDER_API_TYPES).optional(),
  /** null: the API type's public endpoint (400 when it has none). */
  base_url: baseUrl.nullable().optional(),
  description: description.optional(),
  status: z.enum(STATUSES).optional(),
  position: z.number().int().min(0).max(1_000_000).optional(),
  /** A string replaces the credential, null removes it, absent keeps it. */
  api_key: apiKey.nullable().optional(),
  api_version: z.string().trim().min(1).max(64).nullable().optional(),
});

export const providerRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/providers',
    summary: 'List provider connections (members see those in their AI Access)',
    tag: 'Providers',
    access: 'member',
    params: organizationParams,
    query: z.object({
      ...paginationQuery,
      sort: z.enum(['name', 'created_at', 'api_type', 'status', 'position']).default('created_at'),
      order: orderQuery,
      search: searchQuery,
      api_type: csvEnum(PROVIDER_API_TYPES),
      status: csvEnum(STATUSES),
    }),
    response: pageSchema(providerSchema).extend({
      summary: z.object({
        total: z.number().int(),
        active: z.number().int(),
        inactive: z.number().int(),
        api_types: z.number().int(),
      }),
    }),
  }),
  create: defineRoute({
    method: 'POST',
    path: '/organizations/:organizationId/providers',
    summary: 'Add a provider connection',
    tag: 'Providers',
    access: 'admin',
    params: organizationParams,
    body: createBody,
    response: providerDetailSchema.extend({
      discovery: discoveryResultSchema
        .omit({ models: true })
        .or(z.object({ error: z.string() }))
        .optional(),
    }),
    status: 201,
  }),
  get: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/providers/:providerId',
    summary: 'A provider connection with its models',
    tag: 'Providers',
    access: 'member',
    params: providerParams,
    response: providerDetailSchema,
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/organizations/:organizationId/providers/:providerId',
    summary: 'Edit a provider connection (not its proxy name)',
    tag: 'Providers',
    access: 'admin',
    params: providerParams,
    body: updateBody,
    response: providerDetailSchema,
  }),
  remove: defineRoute({
    method: 'DELETE',
    path: '/organizations/:organizationId/providers/:providerId',
    summary: 'Delete a provider connection (gateways drop it)',
    tag: 'Providers',
    access: 'admin',
    params: providerParams,
    status: 204,
  }),
  listModels: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/providers/:providerId/models',
    summary: "A provider connection's available models",
    tag: 'Providers',
    access: 'member',
    params: providerParams,
    query: z.object({
      ...paginationQuery,
      sort: z.enum(['model', 'created_at', 'source']).default('model'),
      order: z.enum(['asc', 'desc']).default('asc'),
      search: searchQuery,
      source: csvEnum(MODEL_SOURCES),
    }),
    response: pageSchema(providerModelSchema).extend({
      summary: z.object({
        total: z.number().int(),
        discovered: z.number().int(),
        manual: z.number().int(),
      }),
    }),
  }),
  addModel: defineRoute({
    method: 'POST',
    path: '/organizations/:organizationId/providers/:providerId/models',
    summary: 'Add a model by hand',
    tag: 'Providers',
    access: 'admin',
    params: providerParams,
    body: z.object({ model: modelName }),
    response: providerModelSchema,
    status: 201,
  }),
  removeModel: defineRoute({
    method: 'DELETE',
    path: '/organizations/:organizationId/providers/:providerId/models/:modelId',
    summary: 'Remove a model',
    tag: 'Providers',
    access: 'admin',
    params: modelParams,
    status: 204,
  }),
  discover: defineRoute({
    method: 'POST',
    path: '/organizations/:organizationId/providers/:providerId/models/discover',
    summary: "Refresh the discovered models from the provider's model list",
    description:
      'Calls the upstream list endpoint with the stored credential (10 s). Adds what it lists, removes ' +
      'discovered models it no longer lists, never touches manual ones. 502 when the upstream fails.',
    tag: 'Providers',
    access: 'admin',
    params: providerParams,
    response: discoveryResultSchema,
  }),
};
