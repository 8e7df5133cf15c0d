import type { TargetHealth } from '@optscale/contracts';
import { buildTargetHealth } from './target-health';

const verdict = (overrides: Partial<TargetHealth>): TargetHealth => ({
  organizationId: 'org-1',
  provider: 'openai',
  model: 'gpt-4.1',
  state: 'open',
  openUntil: '2025-06-01T12:00:30.000Z',
  failureRate: 1,
  requests: 10,
  updatedAt: '2025-06-01T12:00:00.000Z',
  ...overrides,
});

describe('buildTargetHealth', () => {
  it('keeps open verdicts by organization and target id, and drops closed ones', () => {
    const health = buildTargetHealth([
      verdict({}),
      verdict({ provider: 'ollama', model: 'meta-llama/llama3:70b' }),
      verdict({ organizationId: 'org-2' }),
      verdict({ organizationId: 'org-2', provider: 'anthropic', state: 'closed', openUntil: null }),
    ]);
    const until = Date.parse('2025-06-01T12:00:30.000Z');
    expect([...health.keys()]).toEqual(['org-1', 'org-2']);
    expect(Object.fromEntries(health.get('org-1') ?? [])).toEqual({
      'openai/gpt-4.1': { openUntil: until },
      'ollama/meta-llama/llama3:70b': { openUntil: until },
    });
    expect([...(health.get('org-2')?.keys() ?? [])]).toEqual(['openai/gpt-4.1']);
  });

  it('is empty without open verdicts', () => {
    expect(buildTargetHealth([]).size).toBe(0);
    expect(buildTargetHealth([verdict({ state: 'closed', openUntil: null })]).size).toBe(0);
  });
});
