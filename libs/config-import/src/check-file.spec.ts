import { parseConfig } from '@optscale/gateway-service';
import { checkFileUniqueness, normalizeEmail } from './check-file';
import { ImportError } from './import-error';

const ORG = '7d0c2a4e-0000-4000-8000-000000000001';

function config(yaml: string): ReturnType<typeof parseConfig> {
  return parseConfig(yaml, {});
}

function failure(yaml: string): string {
  try {
    checkFileUniqueness(config(yaml));
  } catch (error) {
    expect(error).toBeInstanceOf(ImportError);
    return (error as Error).message;
  }
  throw new Error('expected an ImportError');
}

describe('checkFileUniqueness', () => {
  it('accepts a file whose natural keys are unique', () => {
    expect(() =>
      checkFileUniqueness(
        config(`
organizations:
  - id: ${ORG}
    name: A
    providers:
      - { name: O, proxy_name: openai, api_type: openai, base_url: 'https://api.openai.com/v1' }
    users:
      - email: a@x.example
        keys: [{ name: k, value: sk-os-aaaaaaaa }]
      - email: b@x.example
        keys: [{ name: k, value: sk-os-bbbbbbbb }]
`),
      ),
    ).not.toThrow();
  });

  it('refuses an organization, proxy name, email or key listed twice', () => {
    expect(
      failure(`organizations: [{ id: ${ORG}, name: A }, { id: ${ORG.toUpperCase()}, name: B }]`),
    ).toMatch(/organization .* is listed twice/);
    expect(
      failure(`
organizations:
  - id: ${ORG}
    name: A
    providers:
      - { name: O, proxy_name: openai, api_type: openai, base_url: 'https://a.example' }
      - { name: P, proxy_name: openai, api_type: openai, base_url: 'https://b.example' }
`),
    ).toBe('organization "A": provider proxy_name "openai" is listed twice');
    expect(
      failure(`
organizations:
  - { id: ${ORG}, name: A, users: [{ email: Ada@X.example }, { email: ada@x.example }] }
`),
    ).toBe('organization "A": user ada@x.example is listed twice');
    const message = failure(`
organizations:
  - id: ${ORG}
    name: A
    users:
      - { email: a@x.example, keys: [{ name: one, value: sk-os-samesame }] }
      - { email: b@x.example, keys: [{ name: two, value: sk-os-samesame }] }
`);
    expect(message).toBe(
      'organization "A", user b@x.example, key "two": the same key is also listed at organization "A", user a@x.example, key "one"',
    );
    expect(message).not.toContain('samesame');
  });

  it('normalizes emails as the users table stores them', () => {
    expect(normalizeEmail(' Ada@Example.COM ')).toBe('ada@example.com');
  });
});
