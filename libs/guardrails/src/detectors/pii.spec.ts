import { ALL_PII, guardrail } from '../__fixtures__/guardrails';
import { compileGuardrail, evaluateGuardrail } from '../compile';
import { ibanValid, luhnValid } from './checksums';

const pii = compileGuardrail(guardrail(ALL_PII));
const entitiesIn = (text: string): string[] => pii.scan(text).map((f) => f.entity);
const valuesOf = (text: string, entity: string): string[] =>
  pii
    .scan(text)
    .filter((f) => f.entity === entity)
    .map((f) => text.slice(f.start, f.end));

describe('checksums', () => {
  it('Luhn accepts test cards and rejects a changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('IBAN needs the registered length and mod 97 = 1', () => {
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
    expect(ibanValid('DE8937040044053201300')).toBe(false);
  });
});

describe('PII detector', () => {
  it.each([
    ['My test card is 4111 1111 1111 1111, summarize this message.', '4111 1111 1111 1111'],
    ['card: 4111-1111-1111-1111', '4111-1111-1111-1111'],
    ['mc 5555555555554444 ok', '5555555555554444'],
    ['amex 3782 822463 10005', '3782 822463 10005'],
  ])('finds the card in %p', (text, card) => {
    expect(valuesOf(text, 'CREDIT_CARD')).toEqual([card]);
  });

  it('scores known issuers higher, and rejects Luhn failures and repeated digits', () => {
    const [visa] = pii.scan('4111 1111 1111 1111');
    expect(visa?.score).toBeGreaterThanOrEqual(0.9);
    expect(valuesOf('4111 1111 1111 1112', 'CREDIT_CARD')).toEqual([]);
    expect(valuesOf('0000000000000000', 'CREDIT_CARD')).toEqual([]);
    expect(valuesOf('order 12345678901234567890123', 'CREDIT_CARD')).toEqual([]);
  });

  it('finds emails but not handles or decorators', () => {
    expect(valuesOf('write to jane.doe+news@mail.example.co.uk today', 'EMAIL')).toEqual([
      'jane.doe+news@mail.example.co.uk',
    ]);
    expect(valuesOf('ping @jane or use @Component()', 'EMAIL')).toEqual([]);
  });

  it('finds formatted phone numbers, not arbitrary digit runs or dates', () => {
    expect(valuesOf('call +14155552671 or (415) 555-2671', 'PHONE')).toEqual([
      '+14155552671',
      '(415) 555-2671',
    ]);
    expect(valuesOf('Berlin +49 30 1234 5678', 'PHONE')).toEqual(['+49 30 1234 5678']);
    expect(valuesOf('Paris 06 12 34 56 78', 'PHONE')).toEqual(['06 12 34 56 78']);
    expect(valuesOf('on 2024-01-15 build 1234567 took 01-02-2024', 'PHONE')).toEqual([]);
  });

  it('finds valid IBANs (compact and grouped) and rejects bad checksums', () => {
    expect(valuesOf('pay DE89 3704 0044 0532 0130 00 now', 'IBAN')).toEqual(['DE89 3704 0044 0532 0130 00']);
    expect(valuesOf('GB82WEST12345698765432', 'IBAN')).toEqual(['GB82WEST12345698765432']);
    expect(valuesOf('DE89 3704 0044 0532 0130 01', 'IBAN')).toEqual([]);
  });

  it('applies SSN allocation rules', () => {
    expect(valuesOf('ssn 123-45-6789', 'US_SSN')).toEqual(['123-45-6789']);
    for (const bad of ['000-12-3456', '666-12-3456', '912-12-3456', '123-00-4567', '123-45-0000']) {
      expect(valuesOf(`ssn ${bad}`, 'US_SSN')).toEqual([]);
    }
  });

  it('finds IPv4 and IPv6 but not version strings', () => {
    expect(valuesOf('host 192.168.1.10 and 2001:db8:85a3::8a2e:370:7334', 'IP_ADDRESS')).toEqual([
      '192.168.1.10',
      '2001:db8:85a3::8a2e:370:7334',
    ]);
    expect(valuesOf('upgrade to 1.2.3 or v1.2.3.4, not 256.1.1.1; std::vector', 'IP_ADDRESS')).toEqual([]);
    const [versionLike] = pii.scan('version 10.0.0.1');
    expect(versionLike?.score).toBeLessThan(0.5);
  });

  it('only runs the configured entities, plus custom patterns labelled by name', () => {
    const cards = compileGuardrail(
      guardrail({
        type: 'pii',
        entities: ['CREDIT_CARD'],
        customPatterns: [{ name: 'EMPLOYEE_ID', pattern: 'EMP-\\d{6}' }],
      }),
    );
    const text = 'EMP-123456 mailed a@b.io with 4111111111111111';
    expect(cards.scan(text).map((f) => [f.entity, f.label])).toEqual([
      ['EMPLOYEE_ID', 'EMPLOYEE_ID'],
      ['CREDIT_CARD', undefined],
    ]);
  });

  it('does not flag an ordinary prompt', () => {
    expect(entitiesIn('Refactor the function on line 42 to use async/await; it returns 200 or 404.')).toEqual(
      [],
    );
  });

  it('reports a violation at or above the threshold', () => {
    const verdict = evaluateGuardrail(pii, 'My test card is 4111 1111 1111 1111');
    expect(verdict).toMatchObject({ guardrailId: 'g-pii', violated: true });
    expect(verdict.maxScore).toBeGreaterThanOrEqual(0.9);
    expect(evaluateGuardrail(pii, 'nothing here')).toEqual({
      guardrailId: 'g-pii',
      findings: [],
      violated: false,
      maxScore: 0,
    });
  });
});
