import { compileCondition, type Condition } from '@optscale/conditions';
import { compileGuardrail, type CompiledGuardrail } from '@optscale/guardrails';
import type { PolicySnapshot, PolicyStage } from '@optscale/contracts';
import type { OrganizationState } from '../config/gateway-state';

/** A policy ready to run: its condition and guardrails compiled once per state. */
export interface CompiledPolicy {
  readonly snapshot: PolicySnapshot;
  /** Undefined: the condition is empty, the policy applies to every request. */
  readonly condition: Condition | undefined;
  readonly guardrails: readonly CompiledGuardrail[];
}

export type EvaluationStage = 'input' | 'output';

/** Whether something set for `stage` (a policy or a guardrail) runs at `at`. */
export const runsAt = (stage: PolicyStage, at: EvaluationStage): boolean => stage === 'both' || stage === at;

/**
 * Keyed by the organization's state object: a config change builds a new one, so a policy is
 * compiled once per change rather than once per request, and old compilations go with old states.
 */
const cache = new WeakMap<OrganizationState, readonly CompiledPolicy[]>();

/** Policies that failed to compile, by id and version of their text, so each is logged once. */
const reported = new Set<string>();

export function compiledPolicies(
  org: OrganizationState,
  log: (line: string) => void = (line) => console.warn(line),
): readonly CompiledPolicy[] {
  let compiled = cache.get(org);
  if (compiled === undefined) {
    compiled = org.policies.flatMap((p) => {
      const result = compilePolicy(p);
      if ('policy' in result) return [result.policy];
      const once = `${p.organizationId}/${p.id}/${JSON.stringify(p)}`;
      if (!reported.has(once)) {
        reported.add(once);
        // The error names the expression's problem, never request data: there is none at this point.
        log(`[gateway] policy "${p.name}" (${p.id}) of ${p.organizationId} is skipped: ${result.error}`);
      }
      return [];
    });
    cache.set(org, compiled);
  }
  return compiled;
}

function compilePolicy(p: PolicySnapshot): { policy: CompiledPolicy } | { error: string } {
  let condition: Condition | undefined;
  if (p.condition.trim() !== '') {
    const result = compileCondition(p.condition);
    if (!result.ok) return { error: `condition does not compile: ${result.error}` };
    condition = result.condition;
  }
  const guardrails: CompiledGuardrail[] = [];
  for (const g of p.guardrails) {
    try {
      guardrails.push(compileGuardrail(g));
    } catch (err) {
      return { error: `guardrail "${g.name}" does not compile: ${(err as Error).message}` };
    }
  }
  return { policy: { snapshot: p, condition, guardrails } };
}
