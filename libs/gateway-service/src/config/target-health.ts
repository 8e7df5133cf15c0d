import type { TargetHealth } from '@optscale/contracts';

/** The router's verdict that a target is open, as the routing runtime applies it. */
export interface TargetHealthEntry {
  /** Unix ms (wall clock) until which the target is skipped; then this gateway's breaker probes it. */
  openUntil: number;
}

/** By organization id, then by target id (`<proxy name>/<model>`, @optscale/routing's `targetId`). */
export type TargetHealthMap = ReadonlyMap<string, ReadonlyMap<string, TargetHealthEntry>>;

/**
 * The open verdicts of `optscale.router.health.v1`, by organization then target, from the latest
 * message per key. `closed` leaves nothing: it only says the router no longer holds the target open,
 * and each replica's own breaker decides from there. An `open` whose time has passed is kept (the
 * runtime compares with its clock per request), so the map does not depend on when it was built.
 */
export function buildTargetHealth(messages: Iterable<TargetHealth>): TargetHealthMap {
  const byOrganization = new Map<string, Map<string, TargetHealthEntry>>();
  for (const message of messages) {
    if (message.state !== 'open' || message.openUntil === null) continue;
    const openUntil = Date.parse(message.openUntil);
    let targets = byOrganization.get(message.organizationId);
    if (targets === undefined) {
      targets = new Map();
      byOrganization.set(message.organizationId, targets);
    }
    targets.set(`${message.provider}/${message.model}`, { openUntil });
  }
  return byOrganization;
}
