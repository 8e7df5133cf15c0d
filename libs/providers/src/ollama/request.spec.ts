import type { ChatRequest, ReasoningConfig } from '@optscale/protocol';
import { readJsonFixture } from '../../../protocol/src/testing/fixtures';
import { ollamaProvider } from './index';
import { toThink } from './request';

const fixtures = (readJsonFixture('errors_models_misc.json') as { ollama: Record<string, unknown> }).ollama;
const target = { baseUrl: 'http://127.0.0.1:11434', apiKey: '', model: 'qwen3:8b' };
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const weatherTool = {
  name: 'get_weather',
  description: 'Get weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function body(req: ChatRequest): unknown {
  return JSON.parse(ollamaProvider.buildChatRequest(req, target).body ?? 'null');
}

function request(overrides: Partial<ChatRequest>): ChatRequest {
  return { model: 'qwen3:8b', system: [], messages: [], stream: false, ...overrides };
}

describe('ollama buildChatRequest', () => {
  it('builds the fixture /api/chat request (system, base64 image, tools, options, think, stream)', () => {
    const built = ollamaProvider.buildChatRequest(
      {
        model: 'qwen3:8b',
        system: [{ type: 'text', text: 'Be brief.' }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Weather in Tokyo?' },
              { type: 'image', source: { kind: 'url', url: `data:image/png;base64,${PNG}` } },
            ],
          },
        ],
        tools: [weatherTool],
        toolChoice: { type: 'auto' },
        temperature: 0.2,
        maxTokens: 1024,
        stop: ['END'],
        seed: 42,
        stream: true,
        reasoning: { enabled: true },
        passthrough: { dialect: 'ollama', fields: { keep_alive: '5m' } },
      },
      target,
    );
    expect(built.method).toBe('POST');
    expect(built.url).toBe('http://127.0.0.1:11434/api/chat');
    expect(built.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(built.body ?? '')).toEqual(fixtures.api_chat_request);
  });

  it('replays a tool round trip: thinking, object arguments, tool message with looked-up name', () => {
    expect(
      body(
        request({
          messages: [
            { role: 'user', content: [{ type: 'text', text: 'Weather in Tokyo?' }] },
            {
              role: 'assistant',
              content: [
                { type: 'reasoning', text: 'User wants weather for Tokyo; call get_weather.' },
                { type: 'tool_call', id: 'call_k2j3h4', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
              ],
            },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'And this picture?' },
                {
                  type: 'tool_result',
                  toolCallId: 'call_k2j3h4',
                  content: [{ type: 'text', text: '{"temp_c":22,"sky":"rain"}' }],
                },
                { type: 'image', source: { kind: 'url', url: 'https://example.com/sky.png' } },
                { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG } },
              ],
            },
          ],
        }),
      ),
    ).toEqual({
      model: 'qwen3:8b',
      stream: false,
      messages: [
        { role: 'user', content: 'Weather in Tokyo?' },
        {
          role: 'assistant',
          content: '',
          thinking: 'User wants weather for Tokyo; call get_weather.',
          tool_calls: [
            { id: 'call_k2j3h4', function: { name: 'get_weather', arguments: { city: 'Tokyo' } } },
          ],
        },
        fixtures.api_chat_tool_result_message,
        // the remote URL cannot be fetched by a pure translator: it becomes a note
        { role: 'user', content: 'And this picture?\n[image: https://example.com/sky.png]', images: [PNG] },
      ],
    });
  });

  it('sends stream:false explicitly, a Bearer key only when configured, and strips /v1 or /api', () => {
    const built = ollamaProvider.buildChatRequest(request({}), {
      ...target,
      baseUrl: 'https://ollama.example/v1/',
      apiKey: 'secret',
    });
    expect(built.url).toBe('https://ollama.example/api/chat');
    expect(built.headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer secret' });
    expect(JSON.parse(built.body ?? '')).toEqual({ model: 'qwen3:8b', messages: [], stream: false });
    expect(
      ollamaProvider.buildChatRequest(request({}), { ...target, baseUrl: 'http://h:11434/api' }).url,
    ).toBe('http://h:11434/api/chat');
  });

  it('maps sampling options, penalties and response formats', () => {
    expect(
      body(
        request({
          topP: 0.9,
          topK: 40,
          presencePenalty: 0.1,
          frequencyPenalty: 0.2,
          responseFormat: { type: 'json_schema', name: 's', schema: { type: 'object' } },
        }),
      ),
    ).toEqual({
      model: 'qwen3:8b',
      messages: [],
      stream: false,
      format: { type: 'object' },
      options: { top_p: 0.9, top_k: 40, presence_penalty: 0.1, frequency_penalty: 0.2 },
    });
    expect(body(request({ responseFormat: { type: 'json_object' } }))).toMatchObject({ format: 'json' });
  });

  it('approximates tool choice with the tool list', () => {
    const other = { ...weatherTool, name: 'other' };
    expect(body(request({ tools: [weatherTool, other], toolChoice: { type: 'none' } }))).not.toHaveProperty(
      'tools',
    );
    expect(
      body(request({ tools: [weatherTool, other], toolChoice: { type: 'tool', name: 'other' } })),
    ).toMatchObject({
      tools: [{ type: 'function', function: { name: 'other' } }],
    });
  });

  it.each<[ReasoningConfig, unknown]>([
    [{ enabled: false }, false],
    [{ enabled: true }, true],
    [{ enabled: true, budgetTokens: 2048 }, true],
    [{ enabled: true, effort: 'none' }, false],
    [{ enabled: true, effort: 'minimal' }, 'low'],
    [{ enabled: true, effort: 'medium' }, 'medium'],
    [{ enabled: true, effort: 'high' }, 'high'],
    [{ enabled: true, effort: 'max' }, 'max'],
  ])('maps reasoning %j to think %j', (reasoning, expected) => {
    expect(toThink(reasoning)).toEqual(expected);
  });
});

describe('ollama models and embeddings', () => {
  it('lists /api/tags names with modified_at as created', () => {
    expect(
      ollamaProvider.buildListModelsRequest!({ baseUrl: 'http://127.0.0.1:11434/', apiKey: '' }),
    ).toEqual({
      method: 'GET',
      url: 'http://127.0.0.1:11434/api/tags',
      headers: {},
    });
    expect(
      ollamaProvider.parseListModels!({
        models: [
          { name: 'qwen3:8b', model: 'qwen3:8b', modified_at: '2025-07-07T20:22:19Z' },
          { name: 'llama3.2:latest', modified_at: 'not a date' },
          {},
        ],
      }),
    ).toEqual([{ id: 'qwen3:8b', created: 1751919739 }, { id: 'llama3.2:latest' }]);
  });

  it('embeds through /api/embed and reads embeddings and prompt_eval_count', () => {
    const built = ollamaProvider.buildEmbeddingsRequest!(
      { model: 'nomic-embed-text', input: ['hello world', 'goodbye'], dimensions: 4 },
      { ...target, model: 'nomic-embed-text' },
    );
    expect(built.url).toBe('http://127.0.0.1:11434/api/embed');
    expect(JSON.parse(built.body ?? '')).toEqual({
      model: 'nomic-embed-text',
      input: ['hello world', 'goodbye'],
      dimensions: 4,
    });
    expect(
      ollamaProvider.parseEmbeddingsResponse!({
        model: 'nomic-embed-text',
        embeddings: [
          [0.1, 0.2],
          [0.3, 0.4],
        ],
        prompt_eval_count: 4,
      }),
    ).toEqual({
      model: 'nomic-embed-text',
      vectors: [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
      promptTokens: 4,
    });
    expect(() =>
      ollamaProvider.buildEmbeddingsRequest!({ model: 'x', input: [[1, 2]] }, { ...target, model: 'x' }),
    ).toThrow(/text input only/);
  });

  it('has no token counting', () => {
    expect(ollamaProvider.buildCountTokensRequest).toBeUndefined();
  });
});
