import type { AccessSnapshot, KeySnapshot, ProviderSnapshot } from '@optscale/contracts';

/** Builders of valid config snapshots for tests; each field can be overridden. */

export const ORG = 'org-1';

export function accessSnapshot(overrides: Partial<AccessSnapshot> = {}): AccessSnapshot {
  return {
    organizationId: ORG,
    userId: 'user-1',
    email: 'dev@example.com',
    role: 'member',
    teamIds: ['team-1'],
    allowedProviders: ['openai'],
    organization: { name: 'Sunflower', currency: 'EUR' },
    ...overrides,
  };
}

export function providerSnapshot(overrides: Partial<ProviderSnapshot> = {}): ProviderSnapshot {
  return {
    id: 'prov-openai',
    organizationId: ORG,
    name: 'OpenAI',
    proxyName: 'openai',
    apiType: 'openai',
    baseUrl: 'https://api.openai.com/v1/',
    status: 'active',
    models: ['gpt-4.1'],
    position: 0,
    credential: null,
    ...overrides,
  };
}

export function keySnapshot(overrides: Partial<KeySnapshot> = {}): KeySnapshot {
  return {
    keyId: 'key-1',
    organizationId: ORG,
    userId: 'user-1',
    name: 'laptop',
    displayPrefix: 'sk-os-abc',
    active: true,
    expiresAt: null,
    ...overrides,
  };
}

/** A key hash of the contract's shape, distinct per seed character. */
export function keyHashOf(seed: string): string {
  return `sha256:${seed.repeat(64).slice(0, 64)}`;
}
