import { defineRoute, organizationParams, pageSchema, paginationQuery, uuidParam } from '@optscale/admin-api';
import { BUDGET_PERIODS, BUDGET_RESET_MODES, BUDGET_SCOPES, usdAmountSchema } from '@optscale/contracts';
import { z } from 'zod';
import { booleanQuery, nameSchema } from '../schemas';

const TAG = 'Budgets';

export const budgetRowSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  scope: z.enum(BUDGET_SCOPES),
  /** The key, user or team id; the organization's id for the organization scope. */
  scope_id: z.string(),
  /** USD per period as a decimal string; null: no spending limit. */
  amount_usd: z.string().nullable(),
  period: z.enum(BUDGET_PERIODS),
  reset_mode: z.enum(BUDGET_RESET_MODES),
  requests_per_minute: z.number().int().nullable(),
  tokens_per_minute: z.number().int().nullable(),
  active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

const budgetParams = organizationParams.extend({ budgetId: uuidParam });
const perMinute = z.number().int().positive().max(100_000_000).nullable();

const budgetFields = {
  name: nameSchema.nullable(),
  amount_usd: usdAmountSchema.nullable(),
  period: z.enum(BUDGET_PERIODS),
  reset_mode: z.enum(BUDGET_RESET_MODES),
  requests_per_minute: perMinute,
  tokens_per_minute: perMinute,
  active: z.boolean(),
};

export const budgetRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/budgets',
    summary: 'Budgets and rate limits of the organization',
    tag: TAG,
    access: 'manager',
    params: organizationParams,
    query: z.object({
      ...paginationQuery,
      scope: z.enum(BUDGET_SCOPES).optional(),
      scope_id: uuidParam.optional(),
      active: booleanQuery,
    }),
    response: pageSchema(budgetRowSchema),
  }),
  create: defineRoute({
    method: 'POST',
    path: '/organizations/:organizationId/budgets',
    summary:
      'Create a budget (USD per period) and/or rate limit (per minute) on a key, user, team or the organization',
    tag: TAG,
    access: 'admin',
    params: organizationParams,
    body: z.object({
      scope: z.enum(BUDGET_SCOPES),
      /** Required except for the organization scope. */
      scope_id: uuidParam.optional(),
      name: budgetFields.name.optional(),
      amount_usd: budgetFields.amount_usd.optional(),
      period: budgetFields.period.default('monthly'),
      reset_mode: budgetFields.reset_mode.default('calendar'),
      requests_per_minute: perMinute.optional(),
      tokens_per_minute: perMinute.optional(),
      active: z.boolean().default(true),
    }),
    response: budgetRowSchema,
    status: 201,
  }),
  get: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/budgets/:budgetId',
    summary: 'One budget',
    tag: TAG,
    access: 'manager',
    params: budgetParams,
    response: budgetRowSchema,
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/organizations/:organizationId/budgets/:budgetId',
    summary: 'Change a budget (its scope stays)',
    tag: TAG,
    access: 'admin',
    params: budgetParams,
    body: z.object({
      name: budgetFields.name.optional(),
      amount_usd: budgetFields.amount_usd.optional(),
      period: budgetFields.period.optional(),
      reset_mode: budgetFields.reset_mode.optional(),
      requests_per_minute: perMinute.optional(),
      tokens_per_minute: perMinute.optional(),
      active: z.boolean().optional(),
    }),
    response: budgetRowSchema,
  }),
  delete: defineRoute({
    method: 'DELETE',
    path: '/organizations/:organizationId/budgets/:budgetId',
    summary: 'Delete a budget',
    tag: TAG,
    access: 'admin',
    params: budgetParams,
    status: 204,
  }),
};
