import { randomUUID } from 'node:crypto';
import type { PolicyEvaluation } from '@optscale/contracts';
import type { Organization } from '@optscale/database';
import { eventually } from '@optscale/testing';
import { requestEvent } from './__fixtures__/events';
import { PolicyHarness } from './__fixtures__/harness';

/*
 * Policy statistics: request events with policy evaluations, published on the in-process bus as a
 * gateway would, are folded into the hourly rows by the `policy-stats` consumer group; the stats
 * endpoint and the policy list show the counts and rates.
 */

const HOUR = 3_600_000;

function evaluation(policyId: string, overrides: Partial<PolicyEvaluation> = {}): PolicyEvaluation {
  return {
    policyId,
    policyName: 'chat-pii-check',
    stage: 'input',
    sampled: true,
    matched: false,
    violated: false,
    action: 'none',
    timedOut: false,
    latencyMs: 2,
    guardrails: [],
    ...overrides,
  };
}

describe('policy service: statistics', () => {
  const h = new PolicyHarness();
  let org: Organization;
  let other: Organization;
  let manager: string;
  let policyId: string;
  let otherPolicyId: string;
  const stats = (id = policyId, query = '') =>
    h.request('GET', `/organizations/${org.id}/policies/${id}/stats${query}`, manager);

  beforeAll(async () => {
    await h.start('policy_stats');
    org = await h.organization('Stats');
    other = await h.organization('Other');
    const admin = await h.session(org, 'admin');
    manager = await h.session(org, 'manager');
    const guardrail = await h.request('POST', `/organizations/${org.id}/guardrails`, admin, {
      name: 'test-PII',
      type: 'pii',
      stage: 'input',
      threshold: 0.7,
      action: 'redact',
      settings: { entities: ['CREDIT_CARD'] },
    });
    const create = (name: string, stage: string) =>
      h.request('POST', `/organizations/${org.id}/policies`, admin, {
        name,
        stage,
        sampling_rate: 0.6,
        guardrail_ids: [guardrail.body.id],
      });
    policyId = (await create('chat-pii-check', 'input')).body.id as string;
    const both = await h.request('POST', `/organizations/${org.id}/guardrails`, admin, {
      name: 'secrets',
      type: 'secrets',
      stage: 'both',
      action: 'block',
    });
    otherPolicyId = (
      await h.request('POST', `/organizations/${org.id}/policies`, admin, {
        name: 'secrets-both',
        stage: 'both',
        guardrail_ids: [both.body.id],
      })
    ).body.id as string;
  });
  afterAll(() => h.close());

  it('answers zeros before any traffic', async () => {
    const res = await stats();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      hours: 24,
      requests: 0,
      requests_evaluated: 0,
      matched: 0,
      violated: 0,
      timed_out: 0,
      violation_rate: 0,
      bypass_rate: 0,
      match_rate: 0,
      avg_latency_ms: 0,
      linked_guardrails: 1,
    });
  });

  it('folds request events: 5 applicable, 3 sampled gives a bypass rate of 0.4', async () => {
    const events = [
      [evaluation(policyId, { matched: true, violated: true, action: 'redact', latencyMs: 3 })],
      [evaluation(policyId, { matched: true, latencyMs: 1.5 })],
      [evaluation(policyId, { timedOut: true, latencyMs: 1.5 })],
      [evaluation(policyId, { sampled: false, latencyMs: 0 })],
      // Bypassed, next to a `both` policy evaluated at input and output (one request for it), and
      // evaluations of policies that do not exist (a deleted one, a non-UUID): skipped.
      [
        evaluation(policyId, { sampled: false, latencyMs: 0 }),
        evaluation(otherPolicyId, { stage: 'input', latencyMs: 1 }),
        evaluation(otherPolicyId, { stage: 'output', violated: true, matched: true, latencyMs: 2 }),
        evaluation(randomUUID()),
        evaluation('not-a-uuid'),
      ],
    ];
    for (const policies of events) await h.sendEvent(requestEvent(org.id, policies));
    // An event of the same policy id sent under another organization is not counted.
    await h.sendEvent(requestEvent(other.id, [evaluation(policyId)]));
    // Events older than the window count in their own hour, outside the last 24 hours.
    await h.sendEvent(requestEvent(org.id, [evaluation(policyId)], Date.now() - 48 * HOUR));
    const res = await eventually(async () => {
      const r = await stats();
      expect(r.body.requests).toBe(5);
      return r;
    });
    expect(res.body).toEqual({
      hours: 24,
      requests: 5,
      requests_evaluated: 3,
      matched: 2,
      violated: 1,
      timed_out: 1,
      violation_rate: 0.3333,
      bypass_rate: 0.4,
      match_rate: 0.6667,
      avg_latency_ms: 2,
      linked_guardrails: 1,
    });
    expect((await stats(policyId, '?hours=72')).body).toMatchObject({ requests: 6, requests_evaluated: 4 });
    expect((await stats(otherPolicyId)).body).toMatchObject({
      requests: 1,
      requests_evaluated: 1,
      violated: 1,
      violation_rate: 1,
      avg_latency_ms: 3,
    });
    const list = await h.request('GET', `/organizations/${org.id}/policies?sort=name&order=asc`, manager);
    expect(list.body.items[0]).toMatchObject({
      name: 'chat-pii-check',
      stats: { requests: 5, bypass_rate: 0.4 },
    });
    const rows = await h.dataSource.query<{ count: number }[]>(
      'SELECT COUNT(*)::int AS count FROM policy_stats_hourly',
    );
    expect(rows[0]?.count).toBe(3);
  });

  it('validates the window and answers 404 for an unknown policy', async () => {
    expect((await stats(policyId, '?hours=0')).status).toBe(400);
    expect((await stats(randomUUID())).status).toBe(404);
  });

  it('logs and counts an invalid request event instead of dropping it silently', async () => {
    await h.bus.publishRaw('optscale.gateway.requests.v1', org.id, Buffer.from('{"requestId": 1}'));
    await eventually(() =>
      expect(h.logs.some((line) => line.startsWith('policy-stats: refusing an invalid request event'))).toBe(
        true,
      ),
    );
    const ready = await fetch(`${h.url}/readyz`);
    const body = (await ready.json()) as { checks: Record<string, { detail?: { invalid?: number } }> };
    expect(body.checks['consumer:policy-stats']?.detail?.invalid).toBe(1);
  });
});
