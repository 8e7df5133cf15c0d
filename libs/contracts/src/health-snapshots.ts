import { z } from 'zod';

/*
 * `optscale.router.health.v1`, message key = `<organization id>/<target id>` (`targetHealthMessageKey`),
 * where the target id is `<provider proxy name>/<model>`, the same string as `targetId` of
 * @optscale/routing. The model may itself contain `/` or `:` (`meta-llama/Llama-3-8b`,
 * `llama3:70b`), so a key is split at its first two slashes only, never at the last.
 *
 * Published by `router` (ARCHITECTURE.md: "consumes request events to compute health"): the circuit
 * breaker verdict on one routing target of an organization, computed from the attempts of every
 * gateway replica's request events. Gateways fold it into their own breakers, so a replica that has
 * never seen a target fail still skips it while the router says it is open.
 *
 * Only state changes are published (open, then closed again), so the topic stays small and
 * compaction keeps the latest verdict per target. A gateway treats an `open` whose `openUntil` has
 * passed as closed: a router that stopped before publishing the matching `closed` leaves a stale
 * entry that expires by itself. Same rolling-deploy rule as the config snapshots: fields are only
 * added, as optional.
 */

const id = z.string().min(1);
const isoDateTime = z.iso.datetime({ offset: true });

export const TARGET_HEALTH_STATES = ['open', 'closed'] as const;
export type TargetHealthState = (typeof TARGET_HEALTH_STATES)[number];

export const targetHealthSchema = z.object({
  organizationId: id,
  /** The provider connection's proxy name. */
  provider: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a provider proxy_name'),
  /** The model as sent upstream (may contain `/` and `:`). */
  model: z.string().min(1),
  /**
   * `open`: skip the target until `openUntil`, then let a probe through. `closed`: the router no
   * longer holds it open (it recovered, or its cooldown passed); each gateway's own breaker decides.
   */
  state: z.enum(TARGET_HEALTH_STATES),
  /** ISO 8601 with offset; when an `open` verdict ends (open time + cooldown). Null when closed. */
  openUntil: isoDateTime.nullable(),
  /**
   * For operators: the failure share (0..1) and number of attempts counted in the router's breaker
   * window when it decided. For `open`, the window that tripped it (or the failed probe); for
   * `closed`, usually 0, since the window restarts at every verdict.
   */
  failureRate: z.number().min(0).max(1),
  requests: z.number().int().nonnegative(),
  /** ISO 8601 with offset; when the router decided. */
  updatedAt: isoDateTime,
});
export type TargetHealth = z.infer<typeof targetHealthSchema>;

export function targetHealthMessageKey(organizationId: string, provider: string, model: string): string {
  return `${organizationId}/${provider}/${model}`;
}
