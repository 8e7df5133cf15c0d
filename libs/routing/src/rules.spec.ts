import type { ConditionVariables } from '@optscale/conditions';
import type { RoutingRuleSnapshot } from '@optscale/contracts';
import { compileRules, selectRule } from './rules';
import type { RuleRequest } from './rules';

let seq = 0;
function rule(overrides: Partial<RoutingRuleSnapshot>): RoutingRuleSnapshot {
  seq++;
  return {
    id: `r${seq}`,
    organizationId: 'org',
    name: `rule ${seq}`,
    description: null,
    enabled: true,
    condition: '',
    scope: 'organization',
    scopeId: null,
    priority: 0,
    models: [],
    targets: [{ provider: 'openai', weight: 1 }],
    fallbacks: [],
    ...overrides,
  };
}

const vars: ConditionVariables = {
  model: 'smart',
  provider: '',
  request_type: 'chat_completion',
  headers: { 'x-team': 'a' },
  params: {},
  key_id: 'key-1',
  key_name: 'ci',
  user_id: 'user-1',
  team_ids: ['team-1'],
  budget_used: 0,
};
const request: RuleRequest = { model: 'smart', keyId: 'key-1', teamIds: ['team-1'], vars };

function select(rules: RoutingRuleSnapshot[], req: RuleRequest = request): string | undefined {
  const compiled = compileRules(rules);
  expect(compiled.errors).toEqual([]);
  return selectRule(compiled.rules, req)?.rule.id;
}

describe('compileRules', () => {
  it('skips and reports a rule whose condition does not compile', () => {
    const good = rule({ condition: 'model == "smart"' });
    const bad = rule({ condition: 'nope == 1' });
    const result = compileRules([good, bad]);
    expect(result.rules.map((r) => r.rule.id)).toEqual([good.id]);
    expect(result.errors).toEqual([
      { ruleId: bad.id, error: expect.stringContaining("unknown variable 'nope'") },
    ]);
  });
});

describe('selectRule', () => {
  it('prefers key scope over team over organization, whatever the priorities', () => {
    const org = rule({ priority: -100 });
    const team = rule({ scope: 'team', scopeId: 'team-1', priority: 50 });
    const key = rule({ scope: 'key', scopeId: 'key-1', priority: 100 });
    expect(select([org, team, key])).toBe(key.id);
    expect(select([org, team])).toBe(team.id);
    expect(select([org])).toBe(org.id);
  });

  it('ignores rules of other keys and teams', () => {
    const otherKey = rule({ scope: 'key', scopeId: 'key-2' });
    const otherTeam = rule({ scope: 'team', scopeId: 'team-9' });
    expect(select([otherKey, otherTeam])).toBeUndefined();
  });

  it('orders by ascending priority, then name, within a scope', () => {
    const late = rule({ priority: 10, name: 'a' });
    const early = rule({ priority: 1, name: 'z' });
    expect(select([late, early])).toBe(early.id);
    const b = rule({ priority: 1, name: 'b' });
    const a = rule({ priority: 1, name: 'a' });
    expect(select([b, a])).toBe(a.id);
  });

  it('matches a rule with models only for those model names', () => {
    const forOther = rule({ models: ['fast'], priority: 0 });
    const forSmart = rule({ models: ['smart', 'clever'], priority: 1 });
    const any = rule({ priority: 2 });
    expect(select([forOther, forSmart, any])).toBe(forSmart.id);
    expect(select([forOther, any], { ...request, model: 'gpt-4.1' })).toBe(any.id);
  });

  it('falls through to the next rule when the condition is false', () => {
    const onlyTeamB = rule({ condition: 'headers["x-team"] == "b"', priority: 0 });
    const missingKey = rule({ condition: 'params.temperature > 0.5', priority: 1 });
    const onTeam = rule({ condition: '"team-1" in team_ids', priority: 2 });
    expect(select([onlyTeamB, missingKey, onTeam])).toBe(onTeam.id);
  });

  it('skips disabled rules', () => {
    const disabled = rule({ enabled: false, scope: 'key', scopeId: 'key-1' });
    const org = rule({});
    expect(select([disabled, org])).toBe(org.id);
  });

  it('returns undefined when nothing matches', () => {
    expect(select([rule({ condition: 'false' })])).toBeUndefined();
    expect(select([])).toBeUndefined();
  });
});
