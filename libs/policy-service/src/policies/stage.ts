import type { PolicyStage } from '@optscale/contracts';

/**
 * Whether a guardrail may be linked to a policy (PRODUCT.md 8.1: "the policy's Stage must match the
 * guardrail's Stage"; 8.2: "an Output guardrail never inspects the prompt"). The rule: the guardrail
 * must run at every stage the policy runs, so nothing a policy promises to inspect goes uninspected.
 *
 * | policy \ guardrail | input | output | both |
 * |--------------------|-------|--------|------|
 * | input              |  yes  |   no   | yes  |
 * | output             |  no   |  yes   | yes  |
 * | both               |  no   |   no   | yes  |
 *
 * A `both` guardrail linked to an `input` policy runs at input only (the policy's stage decides).
 */
export function stagesCompatible(policy: PolicyStage, guardrail: PolicyStage): boolean {
  return guardrail === 'both' || guardrail === policy;
}

export function stageMismatch(policy: PolicyStage, guardrail: PolicyStage): string {
  return policy === 'both'
    ? `a policy of stage both needs guardrails of stage both; this one is ${guardrail}`
    : `a policy of stage ${policy} needs guardrails of stage ${policy} or both; this one is ${guardrail}`;
}
