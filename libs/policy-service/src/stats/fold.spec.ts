import type { PolicyEvaluation } from '@optscale/contracts';
import { requestEvent } from '../__fixtures__/events';
import { foldEvaluations, hourOf } from './fold';

const A = '0b6f3c1e-6a2d-4a57-9a0e-1f2b3c4d5e6f';
const B = '1c7a4d2f-7b3e-4b68-8b1f-2a3b4c5d6e7f';

function evaluation(policyId: string, overrides: Partial<PolicyEvaluation> = {}): PolicyEvaluation {
  return {
    policyId,
    policyName: 'p',
    stage: 'input',
    sampled: true,
    matched: false,
    violated: false,
    action: 'none',
    timedOut: false,
    latencyMs: 1,
    guardrails: [],
    ...overrides,
  };
}

describe('folding policy evaluations', () => {
  it('counts each request once per policy, across its input and output evaluations', () => {
    const event = requestEvent('org', [
      evaluation(A, { stage: 'input', latencyMs: 1.25 }),
      evaluation(A, { stage: 'output', matched: true, violated: true, latencyMs: 0.5 }),
      evaluation(B, { sampled: false, latencyMs: 0 }),
      evaluation('not-a-policy-id'),
    ]);
    expect(foldEvaluations(event)).toEqual([
      { policyId: A, requests: 1, evaluated: 1, matched: 1, violated: 1, timedOut: 0, latencyUs: 1750 },
      { policyId: B, requests: 1, evaluated: 0, matched: 0, violated: 0, timedOut: 0, latencyUs: 0 },
    ]);
    expect(foldEvaluations(requestEvent('org', undefined))).toEqual([]);
  });

  it('buckets an event by the hour it started (UTC)', () => {
    const event = requestEvent('org', [], Date.UTC(2026, 0, 2, 13, 59, 59, 999));
    expect(hourOf(event).toISOString()).toBe('2026-01-02T13:00:00.000Z');
  });
});
