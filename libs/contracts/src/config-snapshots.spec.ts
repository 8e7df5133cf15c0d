import { ORG, validAccess, validKey, validProvider } from './__fixtures__/payloads';
import { accessSnapshotSchema, keySnapshotSchema, providerSnapshotSchema } from './config-snapshots';
import { deadLetterSchema } from './dead-letter';

describe('keys snapshot', () => {
  it('accepts a key with and without expiry, and with a narrowing provider list', () => {
    expect(keySnapshotSchema.parse(validKey)).toEqual(validKey);
    const expiring = { ...validKey, expiresAt: '2030-01-01T00:00:00Z', allowedProviders: ['openai-main'] };
    expect(keySnapshotSchema.parse(expiring)).toEqual(expiring);
  });

  it('refuses a missing field, a non-ISO expiry and a wrong type', () => {
    const { active: _active, ...withoutActive } = validKey;
    expect(keySnapshotSchema.safeParse(withoutActive).success).toBe(false);
    expect(keySnapshotSchema.safeParse({ ...validKey, expiresAt: 'tomorrow' }).success).toBe(false);
    expect(keySnapshotSchema.safeParse({ ...validKey, active: 'yes' }).success).toBe(false);
  });

  it('ignores fields it does not know (a newer producer during a rolling deploy)', () => {
    expect(keySnapshotSchema.parse({ ...validKey, addedInAFutureVersion: 1 })).toEqual(validKey);
  });
});

describe('access snapshot', () => {
  it('accepts a user with no allowed providers', () => {
    expect(accessSnapshotSchema.parse({ ...validAccess, allowedProviders: [] }).allowedProviders).toEqual([]);
  });

  it('refuses an unknown role and a currency that is not ISO 4217', () => {
    expect(accessSnapshotSchema.safeParse({ ...validAccess, role: 'owner' }).success).toBe(false);
    expect(
      accessSnapshotSchema.safeParse({ ...validAccess, organization: { name: 'Acme', currency: 'euro' } })
        .success,
    ).toBe(false);
  });
});

describe('providers snapshot', () => {
  it('accepts a provider without a credential (local Ollama) and with an api version', () => {
    const ollama = {
      ...validProvider,
      apiType: 'ollama',
      proxyName: 'local',
      credential: null,
      apiVersion: '2024-10-21',
    };
    expect(providerSnapshotSchema.parse(ollama)).toEqual(ollama);
  });

  it('never carries a plaintext credential', () => {
    const plaintext = { ...validProvider, credential: 'sk-live-secret' };
    expect(providerSnapshotSchema.safeParse(plaintext).success).toBe(false);
    const wrongAlg = { ...validProvider, credential: { ...validProvider.credential, alg: 'none' } };
    expect(providerSnapshotSchema.safeParse(wrongAlg).success).toBe(false);
    const notBase64 = { ...validProvider, credential: { ...validProvider.credential, iv: 'not base64!' } };
    expect(providerSnapshotSchema.safeParse(notBase64).success).toBe(false);
  });

  it('refuses an unknown api type, a bad proxy name and a relative base URL', () => {
    expect(providerSnapshotSchema.safeParse({ ...validProvider, apiType: 'bedrockish' }).success).toBe(false);
    expect(providerSnapshotSchema.safeParse({ ...validProvider, proxyName: 'Open AI' }).success).toBe(false);
    expect(providerSnapshotSchema.safeParse({ ...validProvider, baseUrl: '/v1' }).success).toBe(false);
  });
});

describe('dead letter', () => {
  it('keeps the original bytes and position', () => {
    const letter = {
      reason: 'value: invalid JSON',
      topic: 'optscale.gateway.requests.v1',
      partition: 0,
      offset: '42',
      key: ORG,
      value: Buffer.from('{oops').toString('base64'),
      failedAt: '2025-01-02T03:04:05.000Z',
    };
    expect(deadLetterSchema.parse(letter)).toEqual(letter);
    expect(deadLetterSchema.safeParse({ ...letter, offset: -1 }).success).toBe(false);
  });
});
