import { z } from 'zod';
import {
  csvEnum,
  defineRoute,
  organizationParams,
  pageSchema,
  paginationQuery,
  searchQuery,
  uuidParam,
} from '@optscale/admin-api';
import { ROUTE_SCOPES } from '@optscale/contracts';

/*
 * Routing rules (PRODUCT.md 4.6) in the admin API's snake_case. What the schemas cannot check (the
 * condition compiles, the scope's team or key and the targets' providers exist in the organization)
 * the service checks, answering 400 naming the field.
 */

const provider = z.string().trim().min(1).max(64);
const model = z.string().trim().min(1).max(255);
const target = z.object({ provider, model: model.optional() });
const weightedTarget = target.extend({ weight: z.number().positive().max(1_000_000) });
const retry = z.object({
  max_retries: z.number().int().min(0).max(10),
  initial_backoff_ms: z.number().int().min(0).max(600_000),
  max_backoff_ms: z.number().int().min(0).max(600_000),
});
const description = z.string().trim().max(2000).nullable();
/** CEL over the request; empty means always. Compiled by the service (400 naming body.condition). */
const condition = z.string().trim().max(10_000);

export const routingRuleSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  condition: z.string(),
  scope: z.enum(ROUTE_SCOPES),
  /** The team or key id; null for `organization`. */
  scope_id: z.uuid().nullable(),
  /** Lower runs first within a scope (key rules before team rules before organization rules). */
  priority: z.number().int(),
  models: z.array(z.string()),
  targets: z.array(weightedTarget),
  fallbacks: z.array(target),
  /** null: the gateway's default retry policy. */
  retry: retry.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const fields = {
  name: z.string().trim().min(1).max(200),
  description: description,
  enabled: z.boolean(),
  condition,
  scope: z.enum(ROUTE_SCOPES),
  /** Required for `team` and `key` (a team or key of the organization); absent or null otherwise. */
  scope_id: uuidParam.nullable(),
  priority: z.number().int().min(-1_000_000).max(1_000_000),
  /** Model names (aliases) the rule answers to; empty: any model. */
  models: z.array(model).max(100),
  /** Weighted picks among provider connections (proxy names of the organization). */
  targets: z.array(weightedTarget).min(1).max(50),
  /** Tried in order when the picked target fails after its retries. */
  fallbacks: z.array(target).max(50),
  retry: retry.nullable(),
};

const createBody = z.object({
  name: fields.name,
  description: fields.description.optional(),
  enabled: fields.enabled.default(true),
  condition: fields.condition.default(''),
  scope: fields.scope.default('organization'),
  scope_id: fields.scope_id.optional(),
  priority: fields.priority.default(100),
  models: fields.models.default([]),
  targets: fields.targets,
  fallbacks: fields.fallbacks.default([]),
  retry: fields.retry.optional(),
});

/** Every field optional; the result of applying it is checked as a whole. */
const updateBody = z.object({
  name: fields.name.optional(),
  description: fields.description.optional(),
  enabled: fields.enabled.optional(),
  condition: fields.condition.optional(),
  scope: fields.scope.optional(),
  scope_id: fields.scope_id.optional(),
  priority: fields.priority.optional(),
  models: fields.models.optional(),
  targets: fields.targets.optional(),
  fallbacks: fields.fallbacks.optional(),
  retry: fields.retry.optional(),
});

const ruleParams = organizationParams.extend({ ruleId: uuidParam });
const TAG = 'Routing rules';

export const routingRuleRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/routing-rules',
    summary: "The organization's routing rules",
    tag: TAG,
    access: 'manager',
    params: organizationParams,
    query: z.object({
      ...paginationQuery,
      sort: z.enum(['priority', 'name', 'created_at']).default('priority'),
      order: z.enum(['asc', 'desc']).default('asc'),
      search: searchQuery,
      enabled: z
        .enum(['true', 'false'])
        .optional()
        .transform((v) => (v === undefined ? undefined : v === 'true')),
      scope: csvEnum(ROUTE_SCOPES),
    }),
    response: pageSchema(routingRuleSchema).extend({
      summary: z.object({
        total: z.number().int(),
        enabled: z.number().int(),
        disabled: z.number().int(),
      }),
    }),
  }),
  create: defineRoute({
    method: 'POST',
    path: '/organizations/:organizationId/routing-rules',
    summary: 'Add a routing rule (name unique in the organization)',
    tag: TAG,
    access: 'admin',
    params: organizationParams,
    body: createBody,
    response: routingRuleSchema,
    status: 201,
  }),
  get: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/routing-rules/:ruleId',
    summary: 'One routing rule',
    tag: TAG,
    access: 'manager',
    params: ruleParams,
    response: routingRuleSchema,
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/organizations/:organizationId/routing-rules/:ruleId',
    summary: 'Edit a routing rule (gateways apply it at once)',
    tag: TAG,
    access: 'admin',
    params: ruleParams,
    body: updateBody,
    response: routingRuleSchema,
  }),
  remove: defineRoute({
    method: 'DELETE',
    path: '/organizations/:organizationId/routing-rules/:ruleId',
    summary: 'Delete a routing rule (gateways drop it)',
    tag: TAG,
    access: 'admin',
    params: ruleParams,
    status: 204,
  }),
};
