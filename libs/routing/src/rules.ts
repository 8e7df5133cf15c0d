import { compileCondition } from '@optscale/conditions';
import type { Condition, ConditionVariables } from '@optscale/conditions';
import type { RouteScope, RoutingRuleSnapshot } from '@optscale/contracts';

export interface CompiledRule {
  readonly rule: RoutingRuleSnapshot;
  readonly condition: Condition;
}

/**
 * Compiles every rule; a rule whose condition does not compile is skipped and reported (never
 * throws). Conditions are validated when saved, so an error here means a snapshot from a newer or
 * broken writer: routing the rest beats refusing every request.
 */
export function compileRules(rules: readonly RoutingRuleSnapshot[]): {
  rules: CompiledRule[];
  errors: { ruleId: string; error: string }[];
} {
  const compiled: CompiledRule[] = [];
  const errors: { ruleId: string; error: string }[] = [];
  for (const rule of rules) {
    const result = compileCondition(rule.condition);
    if (result.ok) compiled.push({ rule, condition: result.condition });
    else errors.push({ ruleId: rule.id, error: result.error });
  }
  return { rules: compiled, errors };
}

export interface RuleRequest {
  model: string;
  keyId: string;
  teamIds: readonly string[];
  vars: ConditionVariables;
}

/** The most specific scope wins: a key's own rules, then its teams', then the organization's. */
const SCOPE_RANK: Readonly<Record<RouteScope, number>> = { key: 0, team: 1, organization: 2 };

function inScope(rule: RoutingRuleSnapshot, request: RuleRequest): boolean {
  switch (rule.scope) {
    case 'key':
      return rule.scopeId === request.keyId;
    case 'team':
      return rule.scopeId !== null && request.teamIds.includes(rule.scopeId);
    case 'organization':
      return true;
  }
}

function compareRules(a: RoutingRuleSnapshot, b: RoutingRuleSnapshot): number {
  return (
    SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope] ||
    a.priority - b.priority ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
    // Same name and priority: the id keeps the choice stable across snapshot orderings.
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * The first matching enabled rule: scope order key → team → organization (key scope: scopeId ===
 * keyId; team: scopeId in teamIds), then ascending priority, then name; a rule with non-empty
 * `models` matches only those model names; then its condition. Conditions are evaluated in that
 * order and only until one matches.
 */
export function selectRule(rules: readonly CompiledRule[], request: RuleRequest): CompiledRule | undefined {
  const candidates = rules
    .filter(({ rule }) => rule.enabled && inScope(rule, request))
    .filter(({ rule }) => rule.models.length === 0 || rule.models.includes(request.model))
    .sort((a, b) => compareRules(a.rule, b.rule));
  return candidates.find((c) => c.condition.evaluate(request.vars));
}
