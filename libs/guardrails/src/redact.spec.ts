import { ALL_PII, guardrail, OPENAI_KEY } from './__fixtures__/guardrails';
import { compileGuardrail } from './compile';
import { placeholderFor, redactText, restorePlaceholders } from './redact';
import type { Finding } from './types';

const SECRET = 'test-secret';
const placeholder = (entity: string, value: string): string => placeholderFor(entity, value, SECRET);

describe('placeholderFor', () => {
  it('is deterministic per value and keyed by the secret', () => {
    const a = placeholderFor('CREDIT_CARD', '4111 1111 1111 1111', SECRET);
    expect(a).toMatch(/^\[CREDIT_CARD_[0-9a-f]{8}\]$/);
    expect(placeholderFor('CREDIT_CARD', '4111 1111 1111 1111', SECRET)).toBe(a);
    expect(placeholderFor('CREDIT_CARD', '4111 1111 1111 1111', 'other')).not.toBe(a);
    expect(placeholderFor('CREDIT_CARD', '5555 5555 5555 4444', SECRET)).not.toBe(a);
  });
});

describe('redactText / restorePlaceholders', () => {
  const pii = compileGuardrail(guardrail(ALL_PII));
  const secrets = compileGuardrail(guardrail({ type: 'secrets' }));

  it('redacts every finding, the same way on every turn, and restores the originals', () => {
    const text = `Card 4111 1111 1111 1111, mail jane@example.com, key ${OPENAI_KEY}; card again 4111 1111 1111 1111.`;
    const findings = [...pii.scan(text), ...secrets.scan(text)];
    const first = redactText(text, findings, placeholder);
    expect(first.text).not.toContain('4111');
    expect(first.text).not.toContain('jane@example.com');
    expect(first.text).not.toContain(OPENAI_KEY);
    expect(first.replacements.size).toBe(3);
    const card = placeholder('CREDIT_CARD', '4111 1111 1111 1111');
    expect(first.text.split(card)).toHaveLength(3);
    expect(redactText(text, findings, placeholder).text).toBe(first.text);
    expect(restorePlaceholders(first.text, first.replacements)).toBe(text);
  });

  it('merges overlapping findings into one span named after the longest', () => {
    const text = 'abc 0123456789 xyz';
    const findings: Finding[] = [
      { entity: 'PHONE', start: 4, end: 10, score: 0.6 },
      { entity: 'CREDIT_CARD', start: 4, end: 14, score: 0.9 },
      { entity: 'US_SSN', start: 8, end: 14, score: 0.5 },
    ];
    const { text: out, replacements } = redactText(text, findings, placeholder);
    expect(out).toBe(`abc ${placeholder('CREDIT_CARD', '0123456789')} xyz`);
    expect([...replacements.values()]).toEqual(['0123456789']);
  });

  it('chains partial overlaps into their union', () => {
    const findings: Finding[] = [
      { entity: 'A', start: 0, end: 4, score: 1 },
      { entity: 'BB', start: 2, end: 9, score: 1 },
    ];
    expect(redactText('0123456789', findings, (e, v) => `<${e}:${v}>`).text).toBe('<BB:012345678>9');
  });

  it('removes invisible text instead of adding a placeholder', () => {
    const invisible = compileGuardrail(guardrail({ type: 'invisible_text' }));
    const text = 'hi\u200Bdden \u202Etext';
    const { text: out, replacements } = redactText(text, invisible.scan(text), placeholder);
    expect(out).toBe('hidden text');
    expect(replacements.size).toBe(0);
  });

  it('restores in one pass, leaving unknown placeholders alone', () => {
    const map = new Map([
      ['[EMAIL_aaaaaaaa]', 'x [EMAIL_bbbbbbbb] y'],
      ['[EMAIL_bbbbbbbb]', 'b@c.io'],
    ]);
    expect(restorePlaceholders('[EMAIL_aaaaaaaa] and [EMAIL_cccccccc]', map)).toBe(
      'x [EMAIL_bbbbbbbb] y and [EMAIL_cccccccc]',
    );
  });
});
