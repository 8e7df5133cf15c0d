import { randomUUID } from 'node:crypto';
import type { RequestEvent } from '@optscale/contracts';

/** A complete request event (every optional part present) of an organization. */
export function fullEvent(organizationId: string, overrides: Partial<RequestEvent> = {}): RequestEvent {
  return {
    requestId: `req_${randomUUID()}`,
    organizationId,
    keyId: 'key-1',
    userId: 'user-1',
    teamId: 'team-1',
    provider: 'openai-main',
    model: 'gpt-4o-mini',
    clientModel: 'fast',
    surface: 'openai',
    operation: 'chat',
    client: 'openai-sdk',
    userAgent: 'OpenAI/JS 5.0.0',
    sessionId: 'sess-1',
    stream: true,
    passthrough: false,
    status: 200,
    errorType: null,
    errorMessage: null,
    usage: {
      inputTokens: 100,
      cacheReadTokens: 20,
      cacheWriteTokens: 10,
      cacheWrite1hTokens: 4,
      outputTokens: 50,
      reasoningTokens: 8,
    },
    cost: { nanos: '1234567', source: 'catalog', catalogVersion: '2026-11-01' },
    content: { request: '{"messages":[]}', response: '{"choices":[]}', truncated: false },
    routing: {
      ruleId: 'rule-1',
      ruleName: 'cheap first',
      attempts: [
        {
          provider: 'openai-main',
          model: 'gpt-4o-mini',
          role: 'primary',
          status: 200,
          latencyMs: 40,
          error: null,
        },
      ],
    },
    policies: [
      {
        policyId: 'p-1',
        policyName: 'PII',
        stage: 'input',
        sampled: true,
        matched: false,
        violated: false,
        action: 'none',
        timedOut: false,
        latencyMs: 0.5,
        guardrails: [],
      },
    ],
    timings: { startedAt: Date.now(), gatewayMs: 1.5, upstreamMs: 40, ttftMs: 45, totalMs: 60 },
    ...overrides,
  };
}
