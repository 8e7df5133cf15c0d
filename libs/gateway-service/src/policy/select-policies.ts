import type { ConditionVariables } from '@optscale/conditions';
import type { RequestType } from '@optscale/contracts';
import type { CompiledPolicy } from './compiled-policies';

/** A policy that applies to one request, and whether sampling chose it to be evaluated. */
export interface AppliedPolicy {
  readonly policy: CompiledPolicy;
  /** False: bypassed by sampling, recorded but not evaluated (at every stage it runs at). */
  readonly sampled: boolean;
}

/**
 * The policies that apply to a request: enabled, of its request type (or of every type) and with a
 * condition that holds. Sampling is drawn once per request, so a `both` policy evaluates the prompt
 * and the answer of the same requests.
 */
export function selectPolicies(
  policies: readonly CompiledPolicy[],
  requestType: RequestType,
  vars: () => ConditionVariables,
  random: () => number,
): AppliedPolicy[] {
  const out: AppliedPolicy[] = [];
  let bound: ConditionVariables | undefined;
  for (const policy of policies) {
    const p = policy.snapshot;
    if (!p.enabled) continue;
    if (p.requestTypes.length > 0 && !p.requestTypes.includes(requestType)) continue;
    if (policy.condition !== undefined) {
      bound ??= vars();
      // Never throws: a condition that cannot be evaluated (a missing header) does not hold.
      if (!policy.condition.evaluate(bound)) continue;
    }
    // `random() < 1` always holds and `random() < 0` never does, so 100% and 0% are exact.
    out.push({ policy, sampled: random() < p.samplingRate });
  }
  return out;
}
