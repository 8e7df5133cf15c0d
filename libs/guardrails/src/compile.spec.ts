import { guardrail } from './__fixtures__/guardrails';
import { compileGuardrail, validateGuardrail } from './compile';
import { GuardrailConfigError } from './types';

const withPattern = (pattern: string) =>
  guardrail({
    type: 'pii',
    entities: [],
    customPatterns: [
      { name: 'OK_ONE', pattern: 'ID-\\d{4}' },
      { name: 'CUSTOM', pattern },
    ],
  });

describe('validateGuardrail / compileGuardrail', () => {
  it.each([
    'EMP-\\d{6}',
    '[A-Z]{2}-\\d+',
    '(?:ab|cd){2,4}-\\d{3}',
    '(?<year>\\d{4})-(\\d{2})',
    'a(?:b?)c',
    '(ab)+',
  ])('accepts the safe pattern %p', (pattern) => {
    expect(validateGuardrail(withPattern(pattern))).toEqual({ ok: true });
  });

  it.each([
    ['(a+)+$', /nested quantifier/],
    ['(\\w*)*x', /nested quantifier/],
    ['(?:a|a?)+', /nested quantifier/],
    ['((ab)*c){2,}', /nested quantifier/],
    ['(a)\\1', /backreference/],
    ['(?<x>a)\\k<x>', /backreference/],
    ['(?<=\\$)\\d+', /lookbehind/],
    ['[unclosed', /not a valid regular expression/],
  ])('rejects %p', (pattern, message) => {
    const result = validateGuardrail(withPattern(pattern));
    expect(result).toMatchObject({ ok: false, field: 'settings.customPatterns.1.pattern' });
    expect(result.ok === false && result.error).toMatch(message);
    expect(() => compileGuardrail(withPattern(pattern))).toThrow(GuardrailConfigError);
  });

  it('reports schema errors by field path', () => {
    const bad = guardrail({ type: 'token_limit', limit: 0 });
    expect(validateGuardrail(bad)).toMatchObject({ ok: false, field: 'settings.limit' });
    try {
      compileGuardrail(bad);
      throw new Error('expected a GuardrailConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(GuardrailConfigError);
      expect((e as GuardrailConfigError).field).toBe('settings.limit');
    }
  });

  it('declares which types are redactable', () => {
    const redactable = (
      ['secrets', 'invisible_text', 'prompt_injection', 'jailbreak', 'code_injection'] as const
    ).map((type) => compileGuardrail(guardrail({ type })).redactable);
    expect(redactable).toEqual([true, true, false, false, false]);
  });
});
