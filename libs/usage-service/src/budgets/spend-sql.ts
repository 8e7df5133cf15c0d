import type { BudgetScope } from '@optscale/contracts';
import { bound } from '@optscale/trace-service';

const SCOPE_COLUMNS: Record<Exclude<BudgetScope, 'organization'>, string> = {
  key: 'key_id',
  user: 'user_id',
  team: 'team_id',
};

export interface SpendQuery {
  organizationId: string;
  scope: BudgetScope;
  scopeId: string;
  fromSec: number;
  toSec: number;
}

/**
 * One budget's spend over `usage_hourly` (a SummingMergeTree: always sum()), in the portable
 * dialect (ARCHITECTURE.md "ClickHouse dialect"): values bound client-side, the scope's column from
 * a constant map. `team_id` is the team a request was attributed to (its key owner's first team),
 * so a team's published spend counts those requests only: a floor, as the gateways need it.
 */
export function spendSql(q: SpendQuery): string {
  const conditions = [
    bound`organization_id = ${q.organizationId}`,
    bound`hour >= toDateTime(${q.fromSec}) AND hour < toDateTime(${q.toSec})`,
  ];
  if (q.scope !== 'organization') {
    conditions.push(`${SCOPE_COLUMNS[q.scope]} = ${bound`${q.scopeId}`}`);
  }
  return `SELECT sum(cost_nanos) AS spent FROM usage_hourly WHERE ${conditions.join(' AND ')}`;
}
