import type { RoutingRuleSnapshot } from '@optscale/contracts';
import { BreakerRegistry, DEFAULT_BREAKER } from './breaker';
import { planTargets, targetId } from './plan';

const rule: RoutingRuleSnapshot = {
  id: 'r1',
  organizationId: 'org',
  name: 'smart',
  description: null,
  enabled: true,
  condition: '',
  scope: 'organization',
  scopeId: null,
  priority: 0,
  models: ['smart'],
  targets: [
    { provider: 'openai', model: 'gpt-4.1', weight: 1 },
    { provider: 'anthropic', model: 'claude-sonnet-4-0', weight: 1 },
  ],
  fallbacks: [
    { provider: 'ollama', model: 'qwen3:32b' },
    { provider: 'openai', model: 'gpt-4.1' },
    { provider: 'groq' },
  ],
};

const all = new Set(['openai', 'anthropic', 'ollama', 'groq']);

function plan(
  overrides: Partial<Parameters<typeof planTargets>[1]> = {},
  r: RoutingRuleSnapshot = rule,
): string[] {
  const input = {
    requestedModel: 'smart',
    allowedProviders: all,
    breakers: new BreakerRegistry(DEFAULT_BREAKER, () => 0),
    random: () => 0,
    ...overrides,
  };
  return planTargets(r, input).map((t) => `${t.role}:${targetId(t)}`);
}

describe('planTargets', () => {
  it('puts the weighted pick first, then the fallbacks in order, without duplicates', () => {
    expect(plan()).toEqual(['primary:openai/gpt-4.1', 'fallback:ollama/qwen3:32b', 'fallback:groq/smart']);
    expect(plan({ random: () => 0.9 })).toEqual([
      'primary:anthropic/claude-sonnet-4-0',
      'fallback:ollama/qwen3:32b',
      'fallback:openai/gpt-4.1',
      'fallback:groq/smart',
    ]);
  });

  it('defaults a target model to the requested model', () => {
    const r = { ...rule, targets: [{ provider: 'openai', weight: 1 }], fallbacks: [] };
    expect(plan({ requestedModel: 'gpt-4o' }, r)).toEqual(['primary:openai/gpt-4o']);
  });

  it('never plans a provider outside the allowed ones, fallbacks included', () => {
    expect(plan({ allowedProviders: new Set(['anthropic', 'groq']) })).toEqual([
      'primary:anthropic/claude-sonnet-4-0',
      'fallback:groq/smart',
    ]);
    expect(plan({ allowedProviders: new Set(['ollama']) })).toEqual(['fallback:ollama/qwen3:32b']);
    expect(plan({ allowedProviders: new Set() })).toEqual([]);
  });

  it('skips a target whose breaker is open, unless all are open', () => {
    const breakers = new BreakerRegistry(DEFAULT_BREAKER, () => 0);
    breakers.get('openai/gpt-4.1').forceOpen(1000);
    expect(plan({ breakers })[0]).toBe('primary:anthropic/claude-sonnet-4-0');
    breakers.get('anthropic/claude-sonnet-4-0').forceOpen(1000);
    expect(plan({ breakers })[0]).toBe('primary:openai/gpt-4.1');
  });

  it('sticks to the affinity target while it is a healthy target of the rule', () => {
    const affinityTargetId = 'anthropic/claude-sonnet-4-0';
    expect(plan({ affinityTargetId })[0]).toBe('primary:anthropic/claude-sonnet-4-0');

    const breakers = new BreakerRegistry(DEFAULT_BREAKER, () => 0);
    breakers.get(affinityTargetId).forceOpen(1000);
    expect(plan({ affinityTargetId, breakers })[0]).toBe('primary:openai/gpt-4.1');

    expect(plan({ affinityTargetId: 'ollama/qwen3:32b', random: () => 0.9 })[0]).toBe(
      'primary:anthropic/claude-sonnet-4-0',
    );
    expect(plan({ affinityTargetId, allowedProviders: new Set(['openai']) })).toEqual([
      'primary:openai/gpt-4.1',
    ]);
  });
});
