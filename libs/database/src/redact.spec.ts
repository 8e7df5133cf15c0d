import { REDACTED, redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('removes secret-looking fields at any depth and keeps the rest', () => {
    const when = new Date('2025-01-02T03:04:05.000Z');
    expect(
      redactSecrets({
        name: 'OpenAI prod',
        apiKey: 'sk-live',
        credential_ciphertext: 'abc',
        nested: [{ password_hash: 'scrypt$', email: 'a@b.c', 'x-api-key': 'k', keyHash: 'sha256:00' }],
        token: 't',
        createdAt: when,
        count: 3,
        missing: undefined,
        notANumber: Number.NaN,
        big: 10n,
      }),
    ).toEqual({
      name: 'OpenAI prod',
      apiKey: REDACTED,
      credential_ciphertext: REDACTED,
      nested: [{ password_hash: REDACTED, email: 'a@b.c', 'x-api-key': REDACTED, keyHash: REDACTED }],
      token: REDACTED,
      createdAt: '2025-01-02T03:04:05.000Z',
      count: 3,
      notANumber: null,
      big: '10',
    });
  });

  it('passes scalars through', () => {
    expect(redactSecrets('x')).toBe('x');
    expect(redactSecrets(undefined)).toBeNull();
  });
});
