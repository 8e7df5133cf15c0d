import { pricingOverrideMessageKey, type PricingOverrideSnapshot } from '@optscale/contracts';
import type { SnapshotMap, SnapshotSource } from '@optscale/control-plane';
import { ModelPricingOverride } from '@optscale/database';
import type { EntityManager } from 'typeorm';
import { normalizeDecimal } from './decimal';

/**
 * One override as `optscale.config.pricing.v1` carries it: the provider by its proxy name (what the
 * gateway knows a connection by; it cannot change), prices in their shortest exact decimal form.
 */
export function pricingSnapshot(
  row: ModelPricingOverride,
  proxyName: string | null,
): PricingOverrideSnapshot {
  return {
    id: row.id,
    organizationId: row.organizationId,
    provider: proxyName,
    model: row.model,
    inputPerMtok: normalizeDecimal(row.inputPerMtok),
    outputPerMtok: normalizeDecimal(row.outputPerMtok),
    cacheReadPerMtok: row.cacheReadPerMtok === null ? null : normalizeDecimal(row.cacheReadPerMtok),
    cacheWritePerMtok: row.cacheWritePerMtok === null ? null : normalizeDecimal(row.cacheWritePerMtok),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** `optscale.config.pricing.v1`: every pricing override, by `<org>/<proxy name or *>/<model>`. */
export async function loadPricingSnapshots(
  m: EntityManager,
  organizationId?: string,
): Promise<SnapshotMap<PricingOverrideSnapshot>> {
  const rows = await m.getRepository(ModelPricingOverride).find({
    where: organizationId === undefined ? {} : { organizationId },
    relations: { provider: true },
  });
  const out = new Map<string, PricingOverrideSnapshot>();
  for (const row of rows) {
    const proxyName = row.provider?.proxyName ?? null;
    // A row whose provider is gone is being deleted with it (ON DELETE CASCADE): nothing to publish.
    if (row.providerId !== null && proxyName === null) continue;
    out.set(
      pricingOverrideMessageKey(row.organizationId, proxyName, row.model),
      pricingSnapshot(row, proxyName),
    );
  }
  return out;
}

/** `router` publishes the organizations' prices next to their providers. */
export const pricingSource: SnapshotSource<'optscale.config.pricing.v1'> = {
  topic: 'optscale.config.pricing.v1',
  load: loadPricingSnapshots,
  organizationOf: (value) => value.organizationId,
};
