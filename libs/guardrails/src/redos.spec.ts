import type { GuardrailSettings } from '@optscale/contracts';
import { guardrail } from './__fixtures__/guardrails';
import { compileGuardrail } from './compile';
import { StreamGuard } from './stream-guard';

/*
 * Guards against catastrophic backtracking, not a benchmark: every detector over inputs that blow up
 * naive patterns must finish far inside a generous bound (exponential blow-up takes seconds or hours).
 */
const SETTINGS: GuardrailSettings[] = [
  {
    type: 'pii',
    entities: ['CREDIT_CARD', 'EMAIL', 'PHONE', 'IBAN', 'US_SSN', 'IP_ADDRESS'],
    customPatterns: [{ name: 'EMP', pattern: '[A-Z]+-\\d+\\w*\\s*' }],
  },
  { type: 'secrets' },
  { type: 'ban_topics', keywords: ['aaa aaa', 'foo'], topics: [{ name: 't', terms: ['a', 'aa', 'aaaa'] }] },
  { type: 'invisible_text' },
  { type: 'prompt_injection' },
  { type: 'jailbreak' },
  { type: 'code_injection' },
  { type: 'token_limit', limit: 10 },
];

const ADVERSARIAL = [
  'a'.repeat(50_000),
  '1 '.repeat(20_000),
  '@'.repeat(10_000),
  '('.repeat(5_000) + ')'.repeat(5_000),
  '[{<'.repeat(5_000),
  'a.'.repeat(20_000),
  'a@'.repeat(10_000) + 'a',
  '1.'.repeat(20_000),
  ':'.repeat(20_000) + 'g',
  "' or ".repeat(5_000),
  'sk-'.repeat(10_000),
  'eyJ'.repeat(10_000) + '.',
  '-----BEGIN PRIVATE KEY-----'.repeat(1_000),
  'AB12 '.repeat(10_000),
  'A'.repeat(30_000) + '-1',
  'ignore '.repeat(5_000),
  '\u200B'.repeat(20_000),
  '$('.repeat(10_000),
];

describe('catastrophic backtracking', () => {
  it('scans adversarial inputs with every detector in well under a second', () => {
    const compiled = SETTINGS.map((s) => compileGuardrail(guardrail(s)));
    const started = performance.now();
    for (const input of ADVERSARIAL) for (const g of compiled) g.scan(input);
    expect(performance.now() - started).toBeLessThan(5_000); // exponential blow-up takes minutes; this is not a speed target
  });

  it('streams an adversarial input in bounded time', () => {
    const compiled = SETTINGS.map((s) => compileGuardrail(guardrail(s, { action: 'warn' })));
    const guard = new StreamGuard(compiled, { placeholder: (e) => `[${e}]` });
    const started = performance.now();
    for (let i = 0; i < 2_000; i++) guard.push('1 a@a.');
    guard.end();
    expect(performance.now() - started).toBeLessThan(5_000); // exponential blow-up takes minutes; this is not a speed target
  });
});
