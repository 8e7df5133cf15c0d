import { budgetMessageKey, nanosToUsd, usdToNanos, type BudgetSnapshot } from '@optscale/contracts';
import type { SnapshotMap, SnapshotSource } from '@optscale/control-plane';
import { Budget } from '@optscale/database';
import type { EntityManager } from 'typeorm';

/** NUMERIC comes back padded (`"10.000000000"`); the snapshot and the API carry the shortest form. */
export function normalizeUsd(amount: string | null): string | null {
  return amount === null ? null : nanosToUsd(usdToNanos(amount));
}

export function budgetSnapshot(row: Budget): BudgetSnapshot {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    scope: row.scope,
    scopeId: row.scopeId,
    amountUsd: normalizeUsd(row.amountUsd),
    period: row.period,
    resetMode: row.resetMode,
    requestsPerMinute: row.requestsPerMinute,
    tokensPerMinute: row.tokensPerMinute,
    active: row.active,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** `optscale.config.budgets.v1`: every budget (inactive ones too), by `<org>/<budget id>`. */
export async function loadBudgetSnapshots(
  m: EntityManager,
  organizationId?: string,
): Promise<SnapshotMap<BudgetSnapshot>> {
  const rows = await m
    .getRepository(Budget)
    .find({ where: organizationId === undefined ? {} : { organizationId } });
  return new Map(rows.map((row) => [budgetMessageKey(row.organizationId, row.id), budgetSnapshot(row)]));
}

export const budgetsSource: SnapshotSource<'optscale.config.budgets.v1'> = {
  topic: 'optscale.config.budgets.v1',
  load: loadBudgetSnapshots,
  organizationOf: (value) => value.organizationId,
};
