import {
  policyMessageKey,
  type GuardrailSettings,
  type PolicySnapshot,
  type RequestType,
} from '@optscale/contracts';
import type { SnapshotMap, SnapshotSource } from '@optscale/control-plane';
import { Guardrail, Policy, PolicyGuardrail } from '@optscale/database';
import { In, type EntityManager } from 'typeorm';

/**
 * `optscale.config.policies.v1`: every policy (disabled ones too), its linked guardrails embedded
 * in evaluation order, by `<org>/<policy id>`. Three queries, whatever the size. A guardrail linked
 * from several policies travels in each, so editing it changes each of those snapshots.
 */
export async function loadPolicySnapshots(
  m: EntityManager,
  organizationId?: string,
): Promise<SnapshotMap<PolicySnapshot>> {
  const policies = await m
    .getRepository(Policy)
    .find({ where: organizationId === undefined ? {} : { organizationId } });
  const links =
    policies.length === 0
      ? []
      : await m.getRepository(PolicyGuardrail).find({
          where: { policyId: In(policies.map((p) => p.id)) },
          order: { position: 'ASC', guardrailId: 'ASC' },
        });
  const guardrails = new Map(
    (links.length === 0
      ? []
      : await m
          .getRepository(Guardrail)
          .find({ where: { id: In([...new Set(links.map((l) => l.guardrailId))]) } })
    ).map((g) => [g.id, g]),
  );
  const linked = new Map<string, PolicySnapshot['guardrails']>();
  for (const link of links) {
    const g = guardrails.get(link.guardrailId);
    if (!g) continue;
    const list = linked.get(link.policyId) ?? [];
    list.push({
      id: g.id,
      name: g.name,
      stage: g.stage,
      threshold: g.threshold,
      action: g.action,
      // Stored as validated by the contract's schema (the bus checks it again on publish).
      settings: g.settings as GuardrailSettings,
    });
    linked.set(link.policyId, list);
  }
  const out: SnapshotMap<PolicySnapshot> = new Map();
  for (const p of policies) {
    out.set(policyMessageKey(p.organizationId, p.id), {
      id: p.id,
      organizationId: p.organizationId,
      name: p.name,
      enabled: p.enabled,
      condition: p.condition,
      stage: p.stage,
      samplingRate: p.samplingRate,
      timeoutMs: p.timeoutMs,
      passOnTimeout: p.passOnTimeout,
      requestTypes: p.requestTypes as RequestType[],
      reversibleRedaction: p.reversibleRedaction,
      guardrails: linked.get(p.id) ?? [],
    });
  }
  return out;
}

/** `policy` publishes policies with their guardrails. */
export const policiesSource: SnapshotSource<'optscale.config.policies.v1'> = {
  topic: 'optscale.config.policies.v1',
  load: loadPolicySnapshots,
  organizationOf: (value) => value.organizationId,
};
