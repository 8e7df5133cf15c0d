import { z } from 'zod';

/*
 * `optscale.config.routes.v1`, message key = `<organization id>/<rule id>` (`routeMessageKey`).
 * Published by `router`: one routing rule of an organization (PRODUCT.md 4.6). A tombstone deletes
 * it; `enabled: false` keeps it but it matches nothing. Same rolling-deploy rule as the other config
 * snapshots: fields are only added, as optional.
 */

const id = z.string().min(1);
const proxyName = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a provider proxy_name');

export const ROUTE_SCOPES = ['key', 'team', 'organization'] as const;
export type RouteScope = (typeof ROUTE_SCOPES)[number];

/** A provider connection and, optionally, the model to ask it for (absent: the requested model). */
export const routeTargetSchema = z.object({
  provider: proxyName,
  model: z.string().min(1).optional(),
});

export const weightedTargetSchema = routeTargetSchema.extend({
  /** Relative weight (> 0); one target is picked at random in proportion to the weights. */
  weight: z.number().positive(),
});

export const routingRuleSnapshotSchema = z.object({
  id,
  organizationId: id,
  name: z.string().min(1),
  description: z.string().nullable(),
  enabled: z.boolean(),
  /**
   * A CEL expression over the request (`model`, `provider`, `request_type`, `headers`, `params`,
   * `key_id`, `key_name`, `user_id`, `team_ids`, `budget_used`); empty means always. Validated when
   * saved; the gateway compiles it once per snapshot.
   */
  condition: z.string(),
  /** Rules of a key come before a team's, before the organization's; then by priority. */
  scope: z.enum(ROUTE_SCOPES),
  /** The key or team id; null for `organization`. */
  scopeId: id.nullable(),
  /** Lower runs first within a scope. */
  priority: z.number().int(),
  /**
   * Model names this rule answers to, e.g. a Claude Code tier name or a made-up alias such as
   * `smart`. A request for one of them matches (if the condition holds) even though no provider
   * serves that name, and `/v1/models` lists it. Empty: the rule applies to whatever model.
   */
  models: z.array(z.string().min(1)),
  targets: z.array(weightedTargetSchema).min(1),
  /** Tried in order when the picked target fails after its retries. */
  fallbacks: z.array(routeTargetSchema),
  /** Retries of one target on transient failures (connection errors, timeouts, 429, 5xx). */
  retry: z
    .object({
      maxRetries: z.number().int().min(0).max(10),
      initialBackoffMs: z.number().int().min(0),
      maxBackoffMs: z.number().int().min(0),
    })
    .optional(),
});
export type RoutingRuleSnapshot = z.infer<typeof routingRuleSnapshotSchema>;
export type RouteTarget = z.infer<typeof routeTargetSchema>;
export type WeightedTarget = z.infer<typeof weightedTargetSchema>;

export function routeMessageKey(organizationId: string, ruleId: string): string {
  return `${organizationId}/${ruleId}`;
}
