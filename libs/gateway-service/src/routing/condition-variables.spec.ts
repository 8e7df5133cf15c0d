import type { KeyRecord, OrganizationState, ProviderConnection } from '../config/gateway-state';
import { conditionVariables, namedProvider } from './condition-variables';
import { listRuleAliases } from './model-aliases';

const provider = (proxyName: string, active = true) => ({ proxyName, active }) as ProviderConnection;
const org = {
  id: 'org',
  providers: new Map([
    ['openai', provider('openai')],
    ['claude', provider('claude')],
    ['off', provider('off', false)],
  ]),
  routingRules: [],
} as unknown as OrganizationState;
const key = {
  id: 'key-1',
  name: 'laptop',
  user: { id: 'user-1', teamIds: ['team-1'], allowedProviders: new Set(['openai', 'off']) },
} as unknown as KeyRecord;

describe('conditionVariables', () => {
  it('exposes parameters but never content, and the provider the model names', () => {
    const vars = conditionVariables(
      {
        operation: 'chat',
        headers: { 'x-team': 'a', 'x-tags': ['x', 'y'] },
        model: 'openai/gpt-4.1',
        body: { model: 'openai/gpt-4.1', temperature: 0.2, messages: [], tools: [], input: 'x' },
      },
      org,
      key,
    );
    expect(vars).toEqual({
      model: 'openai/gpt-4.1',
      provider: 'openai',
      request_type: 'chat_completion',
      headers: { 'x-team': 'a', 'x-tags': 'x, y' },
      params: { model: 'openai/gpt-4.1', temperature: 0.2 },
      key_id: 'key-1',
      key_name: 'laptop',
      user_id: 'user-1',
      team_ids: ['team-1'],
      budget_used: 0,
    });
  });

  it('names a provider only for a known prefix', () => {
    expect(namedProvider(org, 'ollama/deepseek-r1:70b')).toBeUndefined();
    expect(namedProvider(org, 'smart')).toBeUndefined();
    expect(namedProvider(org, 'claude/claude-haiku-4-5')).toBe('claude');
  });
});

describe('listRuleAliases', () => {
  const rule = (id: string, overrides: object) => ({
    id,
    organizationId: 'org',
    name: id,
    description: null,
    enabled: true,
    condition: '',
    scope: 'organization',
    scopeId: null,
    priority: 0,
    models: [id],
    targets: [{ provider: 'openai', weight: 1 }],
    fallbacks: [],
    ...overrides,
  });

  it('lists aliases of enabled rules in scope with a target the key may use', () => {
    const withRules = {
      ...org,
      routingRules: [
        rule('smart', {}),
        rule('disabled', { enabled: false }),
        rule('claude-only', { targets: [{ provider: 'claude', weight: 1 }] }),
        rule('inactive-only', { targets: [{ provider: 'off', weight: 1 }] }),
        rule('via-fallback', {
          targets: [{ provider: 'claude', weight: 1 }],
          fallbacks: [{ provider: 'openai' }],
        }),
        rule('team', { scope: 'team', scopeId: 'team-1' }),
        rule('other-team', { scope: 'team', scopeId: 'team-2' }),
        rule('mine', { scope: 'key', scopeId: 'key-1' }),
        rule('theirs', { scope: 'key', scopeId: 'key-2' }),
      ],
    } as unknown as OrganizationState;
    expect(listRuleAliases(withRules, key)).toEqual(['mine', 'smart', 'team', 'via-fallback']);
  });
});
