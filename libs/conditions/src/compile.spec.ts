import { compileCondition, CONDITION_VARIABLES } from './index';
import type { Condition, ConditionVariables } from './index';

function request(overrides: Partial<ConditionVariables> = {}): ConditionVariables {
  return {
    model: 'claude-sonnet-4-0',
    provider: 'anthropic',
    request_type: 'chat_completion',
    headers: { 'x-team': 'a', 'user-agent': 'claude-cli/2.1' },
    params: { temperature: 0.7, max_tokens: 1000, stream: true, metadata: { tags: ['x', { tier: 'gold' }] } },
    key_id: 'key-1',
    key_name: 'ci',
    user_id: 'user-1',
    team_ids: ['team-1', 'team-2'],
    budget_used: 0.25,
    ...overrides,
  };
}

function compile(source: string): Condition {
  const result = compileCondition(source);
  if (!result.ok) throw new Error(`expected ${source} to compile: ${result.error}`);
  return result.condition;
}

function errorOf(source: string): string {
  const result = compileCondition(source);
  if (result.ok) throw new Error(`expected ${source} not to compile`);
  return result.error;
}

describe('compileCondition', () => {
  it.each(['', '   ', '\n\t'])('treats blank source %j as always true', (source) => {
    const condition = compile(source);
    expect(condition.source).toBe(source);
    expect(condition.evaluate(request())).toBe(true);
  });

  it.each<[string, Partial<ConditionVariables>, boolean]>([
    ['headers["x-team"] == "a"', {}, true],
    ['headers["x-team"] == "a"', { headers: { 'x-team': 'b' } }, false],
    ['"x-team" in headers', {}, true],
    ['"x-other" in headers', {}, false],
    ['model.startsWith("claude")', {}, true],
    ['model.startsWith("claude")', { model: 'gpt-4.1' }, false],
    ['params.temperature > 0.5', {}, true],
    ['params.temperature > 0.5', { params: { temperature: 0.2 } }, false],
    ['params.max_tokens == 1000 && params.stream', {}, true],
    ['has(params.stream) && !has(params.top_p)', {}, true],
    ['params.metadata.tags[1].tier == "gold"', {}, true],
    ['request_type == "chat_completion" && model in ["a", "b"]', { model: 'b' }, true],
    ['request_type == "chat_completion" && model in ["a", "b"]', { model: 'c' }, false],
    ['request_type == "embeddings"', { request_type: 'embeddings' }, true],
    ['"team-1" in team_ids', {}, true],
    ['"team-9" in team_ids', {}, false],
    ['team_ids.exists(t, t.endsWith("-2"))', {}, true],
    ['size(team_ids) == 2', {}, true],
    ['model.matches("^claude-(sonnet|opus)-[0-9]")', {}, true],
    ['model.matches("^gpt")', {}, false],
    ['provider == "anthropic"', {}, true],
    ['provider == ""', { provider: '' }, true],
    ['key_id == "key-1" && key_name == "ci" && user_id == "user-1"', {}, true],
    ['budget_used >= 0.9', {}, false],
    ['budget_used >= 0.9', { budget_used: 0.95 }, true],
    ['budget_used < 1', {}, true],
    ['headers["user-agent"].contains("claude-cli")', {}, true],
    ['type(model) == string', {}, true],
  ])('%s with %j is %s', (source, overrides, expected) => {
    expect(compile(source).evaluate(request(overrides))).toBe(expected);
  });

  it('covers every declared variable in the tests above', () => {
    expect([...CONDITION_VARIABLES].sort()).toEqual(
      [
        'budget_used',
        'headers',
        'key_id',
        'key_name',
        'model',
        'params',
        'provider',
        'request_type',
        'team_ids',
        'user_id',
      ].sort(),
    );
  });

  describe('compile errors', () => {
    it('names unknown variables and lists the known ones', () => {
      const error = errorOf('team == "a" || modle == "x"');
      expect(error).toContain("unknown variable 'team' at line 1, column 1");
      expect(error).toContain("unknown variable 'modle' at line 1, column 16");
      expect(error).toContain(`Known variables: ${CONDITION_VARIABLES.join(', ')}`);
    });

    it('does not treat comprehension variables as unknown', () => {
      expect(compileCondition('team_ids.all(t, t != "")').ok).toBe(true);
      expect(errorOf('team_ids.all(t, u != "")')).toContain("unknown variable 'u'");
    });

    it.each<[string, string]>([
      ['model == ', 'syntax error at line 1, column 7'],
      ['model = "x"', "use '==' to compare"],
      ['model == "x', 'unterminated string'],
      ['(model == "x"', "unclosed '('"],
      ['model == "x")', "unexpected ')'"],
      ['model ==\n  "a" &&\n  (x', 'line 2, column 7'],
    ])('reports a syntax error in %j', (source, expected) => {
      expect(errorOf(source)).toContain(expected);
    });

    it.each<[string, string]>([
      ['model', 'must be true or false, but this expression is of type string'],
      ['budget_used', 'of type double'],
      ['team_ids.filter(t, true)', 'of type list(dyn)'],
      ['model + 1 == 2', "no overload of '+' for string and int at line 1, column 6"],
      ['budget_used == "high"', 'cannot compare a double with a string'],
      ['model > 5', "no overload of '>' for string and int"],
      ['model.startsWith(1)', 'no overload of string.startsWith(int)'],
      ['model.shout()', "unknown function 'shout'"],
      ['headers[1] == "a"', 'the key of a map(string, string) must be a string, got an int'],
      ['1 in team_ids', "'in' looks for an int in a list(string)"],
      ['"a" in model', "'in' needs a list or a map on the right, got a string"],
      ['model.length == 1', "cannot read field 'length' of a string"],
      ['budget_used > 0.5 && "yes"', "'&&' needs bool operands"],
      ['model.matches("(")', 'invalid regular expression'],
      ['google.protobuf.Value{} == 1', 'message construction'],
    ])('rejects %j', (source, expected) => {
      expect(errorOf(source)).toContain(expected);
    });

    it('accepts mixed numeric comparisons as CEL does at run time', () => {
      expect(compile('budget_used > 0').evaluate(request())).toBe(true);
      expect(compile('budget_used == 0').evaluate(request({ budget_used: 0 }))).toBe(true);
    });
  });

  describe('evaluation errors are false', () => {
    it.each<[string, Partial<ConditionVariables>]>([
      ['headers["x-missing"] == "a"', {}],
      ['headers.missing == "a"', {}],
      ['params.top_p > 0.5', {}],
      ['params.temperature > 0.5', { params: { temperature: 'hot' } }],
      ['params.stream', { params: { stream: 'yes' } }],
      ['params.metadata.tags[7] == "x"', {}],
      ['params.max_tokens / 0 == 1', { params: { max_tokens: 0 } }],
    ])('%s with %j', (source, overrides) => {
      expect(compile(source).evaluate(request(overrides))).toBe(false);
    });

    it('lets a true branch of || win over an error, as CEL specifies', () => {
      expect(compile('params.missing == 1 || model.startsWith("claude")').evaluate(request())).toBe(true);
    });

    it('ignores values CEL cannot represent and object prototype names', () => {
      const params = { fn: () => 1, nothing: undefined, sym: Symbol('s') };
      const condition = compile('has(params.fn) || has(params.nothing) || "constructor" in params');
      expect(condition.evaluate(request({ params }))).toBe(false);
    });
  });

  it('compiles a 2 KB expression', () => {
    const clauses = Array.from({ length: 70 }, (_, i) => `headers["x-h${i}"] == "value-${i}"`);
    const source = `${clauses.join(' || ')} || model.startsWith("claude")`;
    expect(source.length).toBeGreaterThan(2048);
    expect(compile(source).evaluate(request())).toBe(true);
  });

  it('evaluates a typical rule quickly (a pathology guard, not a benchmark)', () => {
    const condition = compile(
      'request_type == "chat_completion" && model.matches("^claude-") && params.temperature < 1.0 && "team-1" in team_ids && headers["x-team"] == "a"',
    );
    const vars = request();
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) condition.evaluate(vars);
    expect(performance.now() - started).toBeLessThan(20_000); // catches pathologies (re-parsing per call), not a speed target
  });

  it('returns independent conditions (nothing cached between compiles)', () => {
    const a = compile('model == "a"');
    const b = compile('model == "b"');
    expect(a.evaluate(request({ model: 'a' }))).toBe(true);
    expect(b.evaluate(request({ model: 'a' }))).toBe(false);
  });
});
