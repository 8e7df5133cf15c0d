import type { TargetHealthEntry } from '../config/target-health';
import { RoutingRuntime } from './routing-runtime';

const BREAKER = { failureRateThreshold: 0.5, minimumRequests: 2, windowMs: 10_000, cooldownMs: 1_000 };

function setup() {
  const clock = { now: 1_000_000 };
  const health = new Map<string, Map<string, TargetHealthEntry>>();
  const runtime = new RoutingRuntime({
    breaker: BREAKER,
    now: () => clock.now,
    targetHealth: (organizationId) => health.get(organizationId),
    log: () => undefined,
  });
  const verdict = (organizationId: string, targetId: string, openUntil: number): void => {
    const targets = health.get(organizationId) ?? new Map<string, TargetHealthEntry>();
    targets.set(targetId, { openUntil });
    health.set(organizationId, targets);
  };
  return { clock, health, runtime, verdict };
}

describe('RoutingRuntime with shared health', () => {
  it('forces a target open while the router says so, in that organization only', () => {
    const { clock, runtime, verdict } = setup();
    verdict('org-1', 'openai/gpt-4.1', clock.now + 5_000);
    expect(runtime.breakers('org-1').get('openai/gpt-4.1').state()).toBe('open');
    expect(runtime.breakers('org-1').get('openai/gpt-4o').state()).toBe('closed');
    expect(runtime.breakers('org-2').get('openai/gpt-4.1').state()).toBe('closed');
    // Then this replica probes it itself.
    clock.now += 5_000;
    expect(runtime.breakers('org-1').get('openai/gpt-4.1').state()).toBe('half_open');
  });

  it('forces each verdict once, and a new one again', () => {
    const { clock, runtime, verdict } = setup();
    verdict('org-1', 'openai/gpt-4.1', clock.now + 500);
    const breaker = runtime.breakers('org-1').get('openai/gpt-4.1');
    expect(breaker.state()).toBe('open');
    // A verdict that has passed forces nothing: this replica's probe decides.
    clock.now += 500;
    expect(runtime.breakers('org-1').get('openai/gpt-4.1').state()).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(true);
    breaker.record(true);
    expect(runtime.breakers('org-1').get('openai/gpt-4.1').state()).toBe('closed');

    // A new verdict (the router re-opened it) is forced again.
    verdict('org-1', 'openai/gpt-4.1', clock.now + 2_000);
    expect(runtime.breakers('org-1').get('openai/gpt-4.1').state()).toBe('open');
  });

  it("does not cut short what this replica's own failures decided", () => {
    const { clock, runtime, verdict } = setup();
    const breaker = runtime.breakers('org-1').get('openai/gpt-4.1');
    breaker.record(false);
    breaker.record(false); // open until now + 1000
    verdict('org-1', 'openai/gpt-4.1', clock.now + 200);
    expect(runtime.breakers('org-1').get('openai/gpt-4.1').state()).toBe('open');
    clock.now += 500;
    expect(runtime.breakers('org-1').get('openai/gpt-4.1').state()).toBe('open');
    clock.now += 500;
    expect(runtime.breakers('org-1').get('openai/gpt-4.1').state()).toBe('half_open');
  });

  it('keeps local breakers only without a health source', () => {
    const runtime = new RoutingRuntime({ log: () => undefined });
    expect(runtime.breakers('org-1').get('openai/gpt-4.1').state()).toBe('closed');
  });
});
