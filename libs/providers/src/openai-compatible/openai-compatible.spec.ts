import type { ChatRequest } from '@optscale/protocol';
import { openaiCompatibleProvider } from './index';

function request(extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'qwen3:8b',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    maxTokens: 64,
    stream: false,
    ...extra,
  };
}

describe('openaiCompatibleProvider', () => {
  const ollama = { baseUrl: 'http://localhost:11434/v1', apiKey: '', model: 'qwen3:8b' };

  it('uses max_tokens, sends no Authorization without a key and no stream_options unstreamed', () => {
    const built = openaiCompatibleProvider.buildChatRequest(request(), ollama);
    expect(openaiCompatibleProvider.apiType).toBe('openai-compatible');
    expect(built.url).toBe('http://localhost:11434/v1/chat/completions');
    expect(built.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' });
    expect(JSON.parse(built.body ?? '')).toEqual({
      model: 'qwen3:8b',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 64,
      stream: false,
    });
  });

  it('asks for stream usage when streaming and uses Bearer auth with a key', () => {
    const built = openaiCompatibleProvider.buildChatRequest(request({ stream: true }), {
      baseUrl: 'https://api.groq.com/openai/v1',
      apiKey: 'gsk',
      model: 'llama-3.3-70b',
    });
    expect(built.headers.authorization).toBe('Bearer gsk');
    const body = JSON.parse(built.body ?? '') as Record<string, unknown>;
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.model).toBe('llama-3.3-70b');
  });

  it('forwards passthrough bodies to its own base URL', () => {
    const built = openaiCompatibleProvider.buildPassthroughRequest!('/chat/completions', '{"a":1}', ollama, {
      authorization: 'Bearer client',
    });
    expect(built).toEqual({
      method: 'POST',
      url: 'http://localhost:11434/v1/chat/completions',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{"a":1}',
    });
  });

  it('reads Ollama /v1 reasoning and stop-with-tools responses', () => {
    const res = openaiCompatibleProvider.parseChatResponse(
      {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'qwen3:8b',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: '',
              reasoning: 'need weather',
              tool_calls: [
                { id: 'call_k', type: 'function', function: { name: 'w', arguments: '{"c":"x"}' } },
              ],
            },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      },
      { now: () => 0, newId: (p) => p, clientModel: 'alias' },
    );
    expect(res.finishReason).toBe('tool_calls');
    expect(res.content).toEqual([
      { type: 'reasoning', text: 'need weather' },
      { type: 'tool_call', id: 'call_k', name: 'w', arguments: '{"c":"x"}' },
    ]);
  });

  it('reads the Ollama compat error envelope', () => {
    const body =
      '{"error":{"message":"model \\"llama9\\" not found, try pulling it first","type":"not_found_error","param":null,"code":null}}';
    expect(openaiCompatibleProvider.parseError(404, {}, body)).toEqual({
      status: 404,
      message: 'model "llama9" not found, try pulling it first',
      type: 'not_found_error',
      code: null,
      param: null,
      body,
    });
  });
});
