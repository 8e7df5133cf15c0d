import type { AccessSnapshot, KeySnapshot, ProviderSnapshot } from '../config-snapshots';
import type { TargetHealth } from '../health-snapshots';
import type { RequestEvent } from '../request-event';

/** Valid examples of every payload, for tests. */
export const ORG = '6f1c2a8e-1111-4b3a-9c1d-0a2b3c4d5e6f';

export const validKey: KeySnapshot = {
  keyId: 'key_0123456789abcdef',
  organizationId: ORG,
  userId: 'user-1',
  name: 'laptop',
  displayPrefix: 'sk-os-Ab3x…',
  active: true,
  expiresAt: null,
};

export const validAccess: AccessSnapshot = {
  organizationId: ORG,
  userId: 'user-1',
  email: 'ada@example.com',
  role: 'member',
  teamIds: ['team-a'],
  allowedProviders: ['openai-main'],
  organization: { name: 'Acme', currency: 'EUR' },
};

export const validProvider: ProviderSnapshot = {
  id: 'prov-1',
  organizationId: ORG,
  name: 'OpenAI main',
  proxyName: 'openai-main',
  apiType: 'openai',
  baseUrl: 'https://api.openai.com/v1',
  status: 'active',
  models: ['gpt-4o-mini'],
  position: 0,
  credential: {
    alg: 'AES-256-GCM',
    keyId: 'kek-2025-01',
    iv: 'AAECAwQFBgcICQoL',
    tag: 'AAECAwQFBgcICQoLDA0ODw==',
    ciphertext: 'c2VjcmV0',
  },
};

export const requestEvent: RequestEvent = {
  requestId: 'req_1',
  organizationId: ORG,
  keyId: null,
  userId: null,
  provider: null,
  model: null,
  clientModel: null,
  surface: 'openai',
  operation: 'chat',
  client: 'curl',
  userAgent: null,
  sessionId: null,
  stream: false,
  passthrough: false,
  status: 401,
  errorType: 'authentication',
  errorMessage: 'invalid key',
  usage: { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 },
  timings: { startedAt: 1_700_000_000_000, gatewayMs: 1, upstreamMs: null, ttftMs: null, totalMs: 1 },
};

/** An open verdict on a target whose model has both '/' and ':' in it. */
export const validHealth: TargetHealth = {
  organizationId: ORG,
  provider: 'ollama-lab',
  model: 'meta-llama/llama3:70b',
  state: 'open',
  openUntil: '2025-06-01T12:00:30.000Z',
  failureRate: 0.6,
  requests: 10,
  updatedAt: '2025-06-01T12:00:00.000Z',
};
