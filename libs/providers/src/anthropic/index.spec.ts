import { SseParser, type ChatRequest, type TranslateContext } from '@optscale/protocol';
import { readFixture, readJsonFixture } from '../../../protocol/src/testing/fixtures';
import { anthropicBaseUrl, defaultMaxTokens } from './endpoint';
import { anthropicProvider } from './index';

const target = {
  baseUrl: 'https://api.anthropic.com',
  apiKey: 'sk-ant-provider',
  model: 'claude-sonnet-4-5-20250929',
};

const ctx: TranslateContext = {
  now: () => 1735689600000,
  newId: (p) => `${p}x`,
  clientModel: 'claude-sonnet-4-5',
};

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'anthropic/claude-sonnet-4-5',
    system: [{ type: 'text', text: 'sys' }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    stream: true,
    temperature: 0.4,
    maxTokens: 500,
    stop: ['X'],
    ...overrides,
  };
}

function body(text: string | undefined): Record<string, unknown> {
  return JSON.parse(text ?? 'null') as Record<string, unknown>;
}

describe('anthropicProvider', () => {
  it('declares its dialect and framing', () => {
    expect([anthropicProvider.apiType, anthropicProvider.dialect, anthropicProvider.streamFraming]).toEqual([
      'anthropic',
      'anthropic',
      'sse',
    ]);
  });

  it.each([
    'https://api.anthropic.com',
    'https://api.anthropic.com/',
    'https://api.anthropic.com/v1',
    'https://api.anthropic.com/v1/',
    '',
  ])('builds the Messages request for base %j', (baseUrl) => {
    const built = anthropicProvider.buildChatRequest(request(), { ...target, baseUrl });
    expect(built.method).toBe('POST');
    expect(built.url).toBe('https://api.anthropic.com/v1/messages');
    expect(built.headers).toEqual({
      'x-api-key': 'sk-ant-provider',
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
    });
    expect(body(built.body)).toEqual({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 500,
      system: [{ type: 'text', text: 'sys' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      stop_sequences: ['X'],
      temperature: 0.4,
      stream: true,
    });
  });

  it('defaults max_tokens by model family', () => {
    const { maxTokens: _drop, ...noMax } = request();
    expect(body(anthropicProvider.buildChatRequest(noMax, target).body).max_tokens).toBe(16384);
    expect(defaultMaxTokens('claude-3-haiku-20240307')).toBe(4096);
    expect(defaultMaxTokens('claude-3-5-haiku-latest')).toBe(8192);
    expect(defaultMaxTokens('glm-4.6')).toBe(4096);
    expect(anthropicBaseUrl('https://proxy.example/anthropic/v1')).toBe('https://proxy.example/anthropic');
  });

  it('decodes responses and streams with the protocol codec', () => {
    const fixture = readJsonFixture('anthropic_messages_response_tool_use.json') as { body: unknown };
    expect(anthropicProvider.parseChatResponse(fixture.body, ctx)).toMatchObject({
      finishReason: 'tool_calls',
      usage: { inputTokens: 58, cacheReadTokens: 1024, outputTokens: 89 },
    });
    const parser = new SseParser();
    const decoder = anthropicProvider.createStreamDecoder(ctx);
    const events = parser
      .push(readFixture('anthropic_messages_stream_thinking_tool_use.sse'))
      .flatMap((e) => decoder.push(e));
    expect(events.map((e) => e.type)).toContain('tool_call_start');
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls', stopSequence: null });
  });

  describe('parseError', () => {
    it('reads the Anthropic envelope and keeps retry-after', () => {
      const misc = readJsonFixture('errors_models_misc.json') as {
        anthropic: {
          errors: Record<string, { status: number; headers?: Record<string, string>; body: unknown }>;
        };
      };
      const entry = misc.anthropic.errors['429_rate_limit'];
      if (!entry) throw new Error('fixture missing');
      const raw = JSON.stringify(entry.body);
      expect(anthropicProvider.parseError(429, { 'Retry-After': '17' }, raw)).toEqual({
        status: 429,
        message: 'Number of request tokens has exceeded your per-minute rate limit.',
        type: 'rate_limit_error',
        code: null,
        param: null,
        retryAfter: '17',
        body: raw,
      });
    });

    it('copes with non-JSON and empty bodies', () => {
      expect(anthropicProvider.parseError(502, {}, '  <html>Bad gateway</html>\n')).toEqual({
        status: 502,
        message: '<html>Bad gateway</html>',
        code: null,
        param: null,
        body: '  <html>Bad gateway</html>\n',
      });
      expect(anthropicProvider.parseError(503, { 'retry-after': '3' }, '')).toMatchObject({
        message: 'HTTP 503',
        retryAfter: '3',
      });
    });
  });

  describe('buildPassthroughRequest', () => {
    const build = anthropicProvider.buildPassthroughRequest;
    if (!build) throw new Error('passthrough missing');
    const clientHeaders = {
      'x-api-key': 'sk-client-virtual-key',
      authorization: 'Bearer client-token',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27',
      'x-claude-code-session-id': 'abc',
      'user-agent': 'claude-cli/2.1.0',
    };

    it('forwards the body as is, with betas unchanged and only the provider key', () => {
      const raw = '{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[]}';
      const built = build(
        '/v1/messages?beta=true',
        raw,
        { ...target, baseUrl: 'https://api.anthropic.com/v1/' },
        clientHeaders,
      );
      expect(built).toEqual({
        method: 'POST',
        url: 'https://api.anthropic.com/v1/messages?beta=true',
        headers: {
          'x-api-key': 'sk-ant-provider',
          'anthropic-version': '2023-06-01',
          'anthropic-beta':
            'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27',
          'content-type': 'application/json',
        },
        body: raw,
      });
    });

    it('serves count_tokens, drops other query values, defaults the version, joins repeated betas', () => {
      const built = build('/v1/messages/count_tokens?foo=1', '{}', target, { 'anthropic-beta': ['a', 'b'] });
      expect(built.url).toBe('https://api.anthropic.com/v1/messages/count_tokens');
      expect(built.headers).toEqual({
        'x-api-key': 'sk-ant-provider',
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'a,b',
        'content-type': 'application/json',
      });
    });

    it('refuses other paths', () => {
      expect(() => build('/v1/models', '', target, {})).toThrow('/v1/models');
    });
  });

  it('lists models with limit=1000 and reads the Anthropic list', () => {
    const built = anthropicProvider.buildListModelsRequest?.({
      baseUrl: 'https://api.anthropic.com/v1',
      apiKey: 'k',
    });
    expect(built).toEqual({
      method: 'GET',
      url: 'https://api.anthropic.com/v1/models?limit=1000',
      headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    });
    const misc = readJsonFixture('errors_models_misc.json') as { anthropic: { models_list: unknown } };
    expect(anthropicProvider.parseListModels?.(misc.anthropic.models_list)).toEqual([
      { id: 'claude-sonnet-4-5-20250929', displayName: 'Claude Sonnet 4.5', created: 1759104000 },
      { id: 'claude-haiku-4-5-20251001', displayName: 'Claude Haiku 4.5', created: 1759276800 },
    ]);
  });

  it('counts tokens with the request minus generation parameters', () => {
    const built = anthropicProvider.buildCountTokensRequest?.(
      request({
        tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
        toolChoice: { type: 'auto' },
        user: 'u1',
        passthrough: {
          dialect: 'anthropic',
          fields: { context_management: { edits: [] }, service_tier: 'auto' },
        },
      }),
      target,
    );
    expect(built?.url).toBe('https://api.anthropic.com/v1/messages/count_tokens');
    expect(body(built?.body)).toEqual({
      model: 'claude-sonnet-4-5-20250929',
      system: [{ type: 'text', text: 'sys' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
      tool_choice: { type: 'auto' },
      context_management: { edits: [] },
    });
    const misc = readJsonFixture('errors_models_misc.json') as {
      anthropic: { count_tokens_response: unknown };
    };
    expect(anthropicProvider.parseCountTokens?.(misc.anthropic.count_tokens_response)).toBe(412);
    expect(() => anthropicProvider.parseCountTokens?.({})).toThrow('input_tokens');
  });
});
