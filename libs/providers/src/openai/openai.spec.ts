import type { ChatRequest, StreamEvent, TranslateContext } from '@optscale/protocol';
import { SseParser } from '@optscale/protocol';
import { readFixture, readJsonFixture } from '../../../protocol/src/testing/fixtures';
import type { UpstreamTarget } from '../adapter';
import { decodeBase64Floats } from './embeddings';
import { openaiProvider } from './index';

const ctx: TranslateContext = { now: () => 1_735_689_600_000, newId: (p) => `${p}x`, clientModel: 'alias' };
const target: UpstreamTarget = {
  baseUrl: 'https://api.openai.com/v1/',
  apiKey: 'sk-upstream',
  model: 'gpt-4o',
};

interface ErrorFixtures {
  openai: {
    errors: Record<string, { status: number; headers?: Record<string, string>; body: unknown }>;
    models_list: unknown;
    embeddings_response: unknown;
  };
}
const misc = readJsonFixture('errors_models_misc.json') as ErrorFixtures;

function request(extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'client-model',
    system: [{ type: 'text', text: 'Be brief.' }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    maxTokens: 100,
    stream: true,
    ...extra,
  };
}

function jsonBody(body: string | undefined): Record<string, unknown> {
  return JSON.parse(body ?? 'null') as Record<string, unknown>;
}

describe('openaiProvider', () => {
  it('declares the OpenAI chat dialect over SSE and has no token counting', () => {
    expect(openaiProvider.apiType).toBe('openai');
    expect(openaiProvider.dialect).toBe('openai-chat');
    expect(openaiProvider.streamFraming).toBe('sse');
    expect(openaiProvider.buildCountTokensRequest).toBeUndefined();
  });

  it('builds a streaming chat request with Bearer auth, max_completion_tokens and include_usage', () => {
    const built = openaiProvider.buildChatRequest(request(), target);
    expect(built.method).toBe('POST');
    expect(built.url).toBe('https://api.openai.com/v1/chat/completions');
    expect(built.headers).toEqual({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: 'Bearer sk-upstream',
    });
    expect(jsonBody(built.body)).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      max_completion_tokens: 100,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('uses the public endpoint when no base URL is configured, and never sends stream_options unstreamed', () => {
    const built = openaiProvider.buildChatRequest(request({ stream: false }), { ...target, baseUrl: '' });
    expect(built.url).toBe('https://api.openai.com/v1/chat/completions');
    expect(built.headers.accept).toBe('application/json');
    expect(jsonBody(built.body).stream_options).toBeUndefined();
  });

  it('parses the golden response and stream', () => {
    const fixture = readJsonFixture('openai_chat_response_tool_calls.json') as { body: unknown };
    const res = openaiProvider.parseChatResponse(fixture.body, ctx);
    expect(res.finishReason).toBe('tool_calls');
    expect(res.usage.inputTokens).toBe(54);
    expect(res.content).toHaveLength(2);

    const parser = new SseParser();
    const decoder = openaiProvider.createStreamDecoder(ctx);
    const events: StreamEvent[] = [];
    for (const e of [...parser.push(readFixture('openai_chat_stream_text_usage.sse')), ...parser.end()]) {
      events.push(...decoder.push(e));
    }
    events.push(...decoder.end());
    expect(events.filter((e) => e.type === 'text').map((e) => (e.type === 'text' ? e.text : ''))).toEqual([
      'Paris',
      ' is',
      ' 18',
      '°C',
      ' and clear.',
    ]);
    expect(events.at(-1)).toEqual({
      type: 'usage',
      usage: {
        inputTokens: 41,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 7,
        reasoningTokens: 0,
      },
    });
  });

  describe('parseError', () => {
    it.each(Object.entries(misc.openai.errors).filter(([, v]) => typeof v === 'object'))(
      'reads the %s fixture envelope',
      (_name, fixture) => {
        const body = JSON.stringify(fixture.body);
        const error = openaiProvider.parseError(fixture.status, fixture.headers ?? {}, body);
        const envelope = (fixture.body as { error: { message: string; type: string; code: string | null } })
          .error;
        expect(error).toMatchObject({
          status: fixture.status,
          message: envelope.message,
          type: envelope.type,
          code: envelope.code,
          body,
        });
      },
    );

    it('keeps retry-after and the param', () => {
      const rate = misc.openai.errors['429_rate_limit']!;
      expect(
        openaiProvider.parseError(429, { 'Retry-After': '2' }, JSON.stringify(rate.body)).retryAfter,
      ).toBe('2');
      expect(openaiProvider.parseError(429, { 'retry-after-ms': '1500' }, '{}').retryAfter).toBe('2');
      const invalid = misc.openai.errors['400_invalid_request']!;
      expect(openaiProvider.parseError(400, {}, JSON.stringify(invalid.body)).param).toBe(
        'messages[2].tool_calls[0].id',
      );
    });

    it('accepts non-JSON bodies and other servers’ shapes', () => {
      expect(openaiProvider.parseError(502, {}, '<html>Bad Gateway</html>')).toEqual({
        status: 502,
        message: '<html>Bad Gateway</html>',
        body: '<html>Bad Gateway</html>',
      });
      expect(openaiProvider.parseError(503, {}, '').message).toBe('Upstream returned HTTP 503');
      expect(openaiProvider.parseError(404, {}, '{"error":"model \\"x\\" not found"}').message).toBe(
        'model "x" not found',
      );
      expect(
        openaiProvider.parseError(
          400,
          {},
          '{"object":"error","message":"too long","type":"BadRequestError","code":400}',
        ),
      ).toMatchObject({ message: 'too long', type: 'BadRequestError', code: '400' });
      expect(openaiProvider.parseError(422, {}, '{"detail":"Field required"}').message).toBe(
        'Field required',
      );
    });
  });

  describe('buildPassthroughRequest', () => {
    it('forwards the body as is with the provider key, never the client Authorization', () => {
      const body = '{"model":"gpt-4o","input":"hi","store":false}';
      const built = openaiProvider.buildPassthroughRequest!('/responses', body, target, {
        authorization: 'Bearer client-virtual-key',
        'openai-organization': 'org-client',
      });
      expect(built).toEqual({
        method: 'POST',
        url: 'https://api.openai.com/v1/responses',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: 'Bearer sk-upstream',
        },
        body,
      });
      expect(openaiProvider.buildPassthroughRequest!('/chat/completions', '{}', target, {}).url).toBe(
        'https://api.openai.com/v1/chat/completions',
      );
      expect(openaiProvider.buildPassthroughRequest!('/embeddings', '{}', target, {}).url).toBe(
        'https://api.openai.com/v1/embeddings',
      );
    });

    it('refuses paths it does not forward', () => {
      expect(() => openaiProvider.buildPassthroughRequest!('/v1/messages', '{}', target, {})).toThrow(
        /cannot forward/,
      );
    });
  });

  it('lists models', () => {
    expect(
      openaiProvider.buildListModelsRequest!({ baseUrl: 'https://api.openai.com/v1', apiKey: 'k' }),
    ).toEqual({
      method: 'GET',
      url: 'https://api.openai.com/v1/models',
      headers: { accept: 'application/json', authorization: 'Bearer k' },
    });
    expect(openaiProvider.parseListModels!(misc.openai.models_list)).toEqual([
      { id: 'gpt-4o-2024-08-06', created: 1722814719 },
      { id: 'text-embedding-3-small', created: 1705948997 },
    ]);
    expect(openaiProvider.parseListModels!({ nope: true })).toEqual([]);
  });

  describe('embeddings', () => {
    it('asks for floats', () => {
      const built = openaiProvider.buildEmbeddingsRequest!(
        { model: 'alias', input: ['hello world', 'goodbye'], dimensions: 4 },
        { ...target, model: 'text-embedding-3-small' },
      );
      expect(built.url).toBe('https://api.openai.com/v1/embeddings');
      expect(jsonBody(built.body)).toEqual({
        model: 'text-embedding-3-small',
        input: ['hello world', 'goodbye'],
        encoding_format: 'float',
        dimensions: 4,
      });
    });

    it('parses float arrays', () => {
      expect(openaiProvider.parseEmbeddingsResponse!(misc.openai.embeddings_response)).toEqual({
        model: 'text-embedding-3-small',
        vectors: [
          [0.0123, -0.0456, 0.0789, -0.0012],
          [-0.0321, 0.0654, -0.0987, 0.0021],
        ],
        promptTokens: 4,
      });
    });

    it('decodes base64 little-endian float32 vectors, in index order', () => {
      const packed = (values: number[]): string => {
        const buf = Buffer.alloc(values.length * 4);
        values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
        return buf.toString('base64');
      };
      const res = openaiProvider.parseEmbeddingsResponse!({
        object: 'list',
        model: 'm',
        data: [
          { object: 'embedding', index: 1, embedding: packed([0.5, -2]) },
          { object: 'embedding', index: 0, embedding: packed([1.25, 3]) },
        ],
        usage: { prompt_tokens: 2, total_tokens: 2 },
      });
      expect(res.vectors).toEqual([
        [1.25, 3],
        [0.5, -2],
      ]);
      expect(() => decodeBase64Floats('AAA=')).toThrow();
    });
  });
});
