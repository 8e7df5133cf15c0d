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
import { GUARDRAIL_ACTIONS, GUARDRAIL_TYPES, POLICY_STAGES } from '@optscale/contracts';
import { z } from 'zod';
import { descriptionSchema, nameSchema } from '../shared';
import { apiSettingsSchema } from './settings';

const TAG = 'Guardrails';

export const guardrailSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  type: z.enum(GUARDRAIL_TYPES),
  stage: z.enum(POLICY_STAGES),
  threshold: z.number(),
  action: z.enum(GUARDRAIL_ACTIONS),
  settings: apiSettingsSchema,
  /** Policies linking it. */
  policy_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
export const guardrailDetailSchema = guardrailSchema.extend({
  policies: z.array(z.object({ id: z.uuid(), name: z.string(), stage: z.enum(POLICY_STAGES) })),
});

const threshold = z.number().min(0).max(1);
const guardrailParams = organizationParams.extend({ guardrailId: uuidParam });

export const guardrailRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/guardrails',
    summary: "The organization's guardrails",
    tag: TAG,
    access: 'manager',
    params: organizationParams,
    query: z.object({
      ...paginationQuery,
      sort: z.enum(['name', 'created_at', 'type']).default('name'),
      order: orderQuery,
      search: searchQuery,
      type: csvEnum(GUARDRAIL_TYPES),
      stage: csvEnum(POLICY_STAGES),
      action: csvEnum(GUARDRAIL_ACTIONS),
    }),
    response: pageSchema(guardrailSchema).extend({
      summary: z.object({ total: z.number().int(), linked: z.number().int() }),
    }),
  }),
  create: defineRoute({
    method: 'POST',
    path: '/organizations/:organizationId/guardrails',
    summary: 'Add a guardrail (name unique in the organization)',
    tag: TAG,
    access: 'admin',
    params: organizationParams,
    body: z.object({
      name: nameSchema,
      description: descriptionSchema.optional(),
      type: z.enum(GUARDRAIL_TYPES),
      stage: z.enum(POLICY_STAGES),
      /** 0..1: a finding scoring at or above it is a violation (unused by token_limit). */
      threshold: threshold.default(0.5),
      action: z.enum(GUARDRAIL_ACTIONS),
      settings: apiSettingsSchema.default({}),
    }),
    response: guardrailDetailSchema,
    status: 201,
  }),
  get: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/guardrails/:guardrailId',
    summary: 'One guardrail with the policies linking it',
    tag: TAG,
    access: 'manager',
    params: guardrailParams,
    response: guardrailDetailSchema,
  }),
  update: defineRoute({
    method: 'PATCH',
    path: '/organizations/:organizationId/guardrails/:guardrailId',
    summary: 'Edit a guardrail (every policy linking it is republished)',
    description:
      'Settings, when sent, replace the current ones whole. A new type without settings starts from ' +
      "that type's empty settings. The stage must stay compatible with every linked policy.",
    tag: TAG,
    access: 'admin',
    params: guardrailParams,
    body: z.object({
      name: nameSchema.optional(),
      description: descriptionSchema.optional(),
      type: z.enum(GUARDRAIL_TYPES).optional(),
      stage: z.enum(POLICY_STAGES).optional(),
      threshold: threshold.optional(),
      action: z.enum(GUARDRAIL_ACTIONS).optional(),
      settings: apiSettingsSchema.optional(),
    }),
    response: guardrailDetailSchema,
  }),
  remove: defineRoute({
    method: 'DELETE',
    path: '/organizations/:organizationId/guardrails/:guardrailId',
    summary: 'Delete a guardrail (409 while a policy links it)',
    tag: TAG,
    access: 'admin',
    params: guardrailParams,
    status: 204,
  }),
};
