import { randomBytes } from 'node:crypto';
import type { RequestEvent } from '@optscale/contracts';

/** A valid request event of an organization, carrying the given policy evaluations. */
export function requestEvent(
  organizationId: string,
  policies: RequestEvent['policies'],
  startedAt = Date.now(),
): RequestEvent {
  return {
    requestId: `req-${randomBytes(6).toString('hex')}`,
    organizationId,
    keyId: null,
    userId: null,
    provider: 'openai',
    model: 'gpt-4o',
    clientModel: 'gpt-4o',
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
    usage: { inputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 },
    ...(policies ? { policies } : {}),
    timings: { startedAt, gatewayMs: 1, upstreamMs: 10, ttftMs: null, totalMs: 12 },
  };
}
