import { createHash } from 'node:crypto';
import type { AccessSnapshot, KeySnapshot, RequestEvent } from '@optscale/contracts';

export const ORG = '6f1c2a8e-1111-4b3a-9c1d-0a2b3c4d5e6f';

export function keyHash(plaintext: string): string {
  return `sha256:${createHash('sha256').update(plaintext).digest('hex')}`;
}

export function keySnapshot(name: string, overrides: Partial<KeySnapshot> = {}): KeySnapshot {
  return {
    keyId: `key_${name}`,
    organizationId: ORG,
    userId: 'user-1',
    name,
    displayPrefix: 'sk-os-Ab3x…',
    active: true,
    expiresAt: null,
    ...overrides,
  };
}

export function accessSnapshot(userId: string): AccessSnapshot {
  return {
    organizationId: ORG,
    userId,
    email: `${userId}@example.com`,
    role: 'member',
    teamIds: [],
    allowedProviders: ['openai-main'],
    organization: { name: 'Acme', currency: 'USD' },
  };
}

export function requestEvent(requestId: string): RequestEvent {
  return {
    requestId,
    organizationId: ORG,
    keyId: 'key_1',
    userId: 'user-1',
    provider: 'openai-main',
    model: 'gpt-4o-mini',
    clientModel: 'gpt-4o-mini',
    surface: 'openai',
    operation: 'chat',
    client: 'openai-sdk',
    userAgent: null,
    sessionId: null,
    stream: false,
    passthrough: true,
    status: 200,
    errorType: null,
    errorMessage: null,
    usage: { inputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 3, reasoningTokens: 0 },
    timings: { startedAt: 1_700_000_000_000, gatewayMs: 1, upstreamMs: 20, ttftMs: 21, totalMs: 22 },
  };
}
