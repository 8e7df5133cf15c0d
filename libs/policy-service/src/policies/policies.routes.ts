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
import { GUARDRAIL_ACTIONS, GUARDRAIL_TYPES, POLICY_STAGES, REQUEST_TYPES } from '@optscale/contracts';
import { z } from 'zod';
import { booleanQuery, conditionSchema, descriptionSchema, nameSchema } from '../shared';
import { policyStatsSchema } from '../stats/stats.schema';

const TAG = 'Policies';

export const policySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  condition: z.string(),
  stage: z.enum(POLICY_STAGES),
  sampling_rate: z.number(),
  timeout_ms: z.number().int(),
  pass_on_timeout: z.boolean(),
  /** Empty: every request type. */
  request_types: z.array(z.enum(REQUEST_TYPES)),
  reversible_redaction: z.boolean(),
  /** Linked guardrails in evaluation order. */
  guardrail_ids: z.array(z.uuid()),
  guardrail_count: z.number().int(),
  /** The last 24 hours (PRODUCT.md 4.7's cards). */
  stats: policyStatsSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export const policyDetailSchema = policySchema.extend({
  guardrails: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      type: z.enum(GUARDRAIL_TYPES),
      stage: z.enum(POLICY_STAGES),
      action: z.enum(GUARDRAIL_ACTIONS),
    }),
  ),
});

const fields = {
  name: nameSchema,
  description: descriptionSchema,
  enabled: z.boolean(),
  condition: conditionSchema,
  /** input, output or both; every linked guardrail must run at each of the policy's stages. */
  stage: z.enum(POLICY_STAGES),
  /** 0..1: the share of applicable requests evaluated; the rest are bypassed. */
  sampling_rate: z.number().min(0).max(1),
  timeout_ms: z.number().int().positive().max(600_000),
  /** On timeout: true lets the request proceed, false fails it. */
  pass_on_timeout: z.boolean(),
  request_types: z.array(z.enum(REQUEST_TYPES)).max(REQUEST_TYPES.length),
  reversible_redaction: z.boolean(),
  /** Guardrails of the organization, in evaluation order, at least one, each once. */
  guardrail_ids: z.array(uuidParam).min(1).max(50),
};

const policyParams = organizationParams.extend({ policyId: uuidParam });

export const policyCrudRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/policies',
    summary: "The organization's policies, with their last 24 hours",
    tag: TAG,
    access: 'manager',
    params: organizationParams,
    query: z.object({
      ...paginationQuery,
      sort: z.enum(['name', 'created_at']).default('name'),
      order: orderQuery,
      search: searchQuery,
      enabled: booleanQuery,
      stage: csvEnum(POLICY_STAGES),
    }),
    response: pageSchema(policySchema).extend({
      summary: z.object({
        total: z.number().int(),
        enabled: z.number().int(),
        /** Guardrails of the organization (linked or not). */
        guardrails: z.number().int(),
      }),
    }),
  }),
  create: defineRoute({
    method: 'POST',
    path: '/organizations/:organizationId/policies',
    summary: 'Add a policy (name unique in the organization)',
    tag: TAG,
    access: 'admin',
    params: organizationParams,
    body: z.object({
      name: fields.name,
      description: fields.description.optional(),
      enabled: fields.enabled.default(true),
      condition: fields.condition.default(''),
      stage: fields.stage,
      sampling_rate: fields.sampling_rate.default(1),
      timeout_ms: fields.timeout_ms.default(1000),
      pass_on_timeout: fields.pass_on_timeout.default(false),
      request_types: fields.request_types.default([]),
      reversible_redaction: fields.reversible_redaction.default(false),
      guardrail_ids: fields.guardrail_ids,
    }),
    response: policyDetailSchema,
    status: 201,
  }),
  get: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/policies/:policyId',
    summary: 'One policy with its guardrails and its last 24 hours',
    tag: TAG,
    access: 'manager',
    params: policyParams,
    response: policyDetailSchema,
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/organizations/:organizationId/policies/:policyId',
    summary: 'Edit a policy; guardrail_ids, when sent, replaces the linked list and its order',
    tag: TAG,
    access: 'admin',
    params: policyParams,
    body: z.object({
      name: fields.name.optional(),
      description: fields.description.optional(),
      enabled: fields.enabled.optional(),
      condition: fields.condition.optional(),
      stage: fields.stage.optional(),
      sampling_rate: fields.sampling_rate.optional(),
      timeout_ms: fields.timeout_ms.optional(),
      pass_on_timeout: fields.pass_on_timeout.optional(),
      request_types: fields.request_types.optional(),
      reversible_redaction: fields.reversible_redaction.optional(),
      guardrail_ids: fields.guardrail_ids.optional(),
    }),
    response: policyDetailSchema,
  }),
  remove: defineRoute({
    method: 'DELETE',
    path: '/organizations/:organizationId/policies/:policyId',
    summary: 'Delete a policy (gateways drop it; its guardrails stay)',
    tag: TAG,
    access: 'admin',
    params: policyParams,
    status: 204,
  }),
  stats: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/policies/:policyId/stats',
    summary: "A policy's statistics over the last hours (default 24)",
    tag: TAG,
    access: 'manager',
    params: policyParams,
    query: z.object({
      hours: z.coerce
        .number()
        .int()
        .min(1)
        .max(24 * 31)
        .default(24),
    }),
    response: policyStatsSchema,
  }),
};
