import { POLICY_STAGES } from '@optscale/contracts';
import { stagesCompatible } from './stage';

describe('policy and guardrail stages', () => {
  it('links a guardrail only when it runs at every stage the policy runs', () => {
    const allowed = POLICY_STAGES.flatMap((policy) =>
      POLICY_STAGES.filter((guardrail) => stagesCompatible(policy, guardrail)).map((g) => `${policy}:${g}`),
    );
    expect(allowed).toEqual(['input:input', 'input:both', 'output:output', 'output:both', 'both:both']);
  });
});
