import type { BudgetScope, BudgetSnapshot, BudgetState } from '@optscale/contracts';
import type { KeyRecord } from '../config/gateway-state';
import { foldSnapshot } from '../config/config-snapshots';

/** The order budgets are checked in, and so the one a refusal names when several are exhausted. */
const SCOPE_ORDER: readonly BudgetScope[] = ['key', 'user', 'team', 'organization'];

/**
 * The budgets and their published spend, folded from `optscale.config.budgets.v1` and
 * `optscale.budget.state.v1` (both keyed `<organization id>/<budget id>`), indexed for the hot path:
 * per organization, the active budgets by scope and scope id.
 */
export class BudgetBook {
  private readonly budgets = new Map<string, BudgetSnapshot>();
  private readonly states = new Map<string, BudgetState>();
  /** Organization id → `<scope>:<scope id>` → budgets; rebuilt for one organization per change. */
  private readonly index = new Map<string, Map<string, BudgetSnapshot[]>>();

  foldBudget(messageKey: string, value: BudgetSnapshot | null): void {
    const previous = this.budgets.get(messageKey);
    if (!foldSnapshot(this.budgets, messageKey, value)) return;
    const organizationId = value?.organizationId ?? previous?.organizationId;
    if (organizationId !== undefined) this.reindex(organizationId);
  }

  foldState(messageKey: string, value: BudgetState | null): void {
    foldSnapshot(this.states, messageKey, value);
  }

  /**
   * The active budgets a request with `key` is subject to: the key's, its owner's, each of the
   * owner's teams', the organization's; in that order.
   */
  budgetsFor(key: KeyRecord): BudgetSnapshot[] {
    const byScope = this.index.get(key.organization.id);
    if (!byScope) return [];
    const scopeIds: [BudgetScope, string][] = [
      ['key', key.id],
      ['user', key.user.id],
      ...key.user.teamIds.map((t): [BudgetScope, string] => ['team', t]),
      ['organization', key.organization.id],
    ];
    const out: BudgetSnapshot[] = [];
    for (const scope of SCOPE_ORDER) {
      for (const [s, id] of scopeIds) if (s === scope) out.push(...(byScope.get(`${s}:${id}`) ?? []));
    }
    return out;
  }

  /** The aggregator's latest spend of a budget, if it published one. */
  stateOf(organizationId: string, budgetId: string): BudgetState | undefined {
    return this.states.get(`${organizationId}/${budgetId}`);
  }

  get size(): number {
    return this.budgets.size;
  }

  private reindex(organizationId: string): void {
    const byScope = new Map<string, BudgetSnapshot[]>();
    for (const budget of this.budgets.values()) {
      if (budget.organizationId !== organizationId || !budget.active) continue;
      const slot = `${budget.scope}:${budget.scopeId}`;
      const list = byScope.get(slot) ?? [];
      list.push(budget);
      byScope.set(slot, list);
    }
    if (byScope.size === 0) this.index.delete(organizationId);
    else this.index.set(organizationId, byScope);
  }
}
