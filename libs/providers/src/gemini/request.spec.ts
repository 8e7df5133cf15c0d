import type { ChatRequest, ReasoningConfig, ToolChoice } from '@optscale/protocol';
import { geminiProvider } from './index';
import { toThinkingConfig, toToolConfig } from './request';

const target = {
  baseUrl: 'https://generativelanguage.googleapis.com/v1beta/',
  apiKey: 'AIza-test',
  model: 'gemini-2.5-flash',
};

function body(req: ChatRequest): unknown {
  return JSON.parse(geminiProvider.buildChatRequest(req, target).body ?? 'null');
}

function request(overrides: Partial<ChatRequest>): ChatRequest {
  return { model: 'gemini-2.5-flash', system: [], messages: [], stream: false, ...overrides };
}

/** System + image + a full tool round trip (call with thought signature, result without a name). */
const roundTrip: ChatRequest = {
  model: 'gemini-2.5-flash',
  system: [{ type: 'text', text: 'You are a terse weather assistant.' }],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather in Paris?' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/sky.jpg?x=1' }, detail: 'high' },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'I need the weather tool.', signature: 'anthropic-only' },
        {
          type: 'tool_call',
          id: 'call_1',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
          thoughtSignature: 'CiQBVKhc7synthetic-sig-1',
        },
      ],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          toolCallId: 'call_1',
          content: [{ type: 'text', text: '{"temp_c":18,"sky":"clear"}' }],
        },
      ],
    },
    { role: 'system', content: [{ type: 'text', text: 'Answer in Celsius.' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'And Tokyo?' },
        { type: 'image', source: { kind: 'url', url: 'gs://bucket/tokyo.png' } },
        { type: 'text', text: '' },
      ],
    },
  ],
  tools: [
    {
      name: 'get_weather',
      description: 'Get weather',
      parameters: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { city: { $ref: '#/$defs/City' } },
        required: ['city'],
        additionalProperties: false,
        $defs: { City: { type: 'string', description: 'City name' } },
      },
    },
  ],
  toolChoice: { type: 'auto' },
  temperature: 0.2,
  maxTokens: 1024,
  stop: ['END'],
  reasoning: { enabled: true, budgetTokens: 1024 },
  stream: true,
};

describe('gemini buildChatRequest', () => {
  it('builds the streaming URL, headers and exact body for a tool round trip with image and system', () => {
    const built = geminiProvider.buildChatRequest(roundTrip, target);
    expect(built.method).toBe('POST');
    expect(built.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    expect(built.headers).toEqual({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'x-goog-api-key': 'AIza-test',
    });
    expect(JSON.parse(built.body ?? '')).toEqual({
      systemInstruction: {
        parts: [{ text: 'You are a terse weather assistant.' }, { text: 'Answer in Celsius.' }],
      },
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'Weather in Paris?' },
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
            { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/sky.jpg?x=1' } },
          ],
        },
        {
          role: 'model',
          parts: [
            {
              functionCall: { name: 'get_weather', args: { city: 'Paris' } },
              thoughtSignature: 'CiQBVKhc7synthetic-sig-1',
            },
          ],
        },
        {
          // the tool result turn and the next user turn are merged: roles must alternate
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', response: { temp_c: 18, sky: 'clear' } } },
            { text: 'And Tokyo?' },
            { fileData: { mimeType: 'image/png', fileUri: 'gs://bucket/tokyo.png' } },
          ],
        },
      ],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Get weather',
              parametersJsonSchema: {
                type: 'object',
                properties: { city: { type: 'string', description: 'City name' } },
                required: ['city'],
                additionalProperties: false,
              },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
      generationConfig: {
        temperature: 0.2,
        maxOutputTokens: 1024,
        stopSequences: ['END'],
        thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
      },
    });
  });

  it('uses generateContent without alt=sse when not streaming, and the default base when none is set', () => {
    const built = geminiProvider.buildChatRequest(request({}), { ...target, baseUrl: '' });
    expect(built.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
    );
    expect(built.headers).toEqual({ 'content-type': 'application/json', 'x-goog-api-key': 'AIza-test' });
    expect(
      geminiProvider.buildChatRequest(request({}), {
        ...target,
        baseUrl: 'https://proxy.example/gemini//',
        model: 'models/x?y',
      }).url,
    ).toBe('https://proxy.example/gemini/models/x%3Fy:generateContent');
  });

  it('wraps non-object tool results, marks errors, falls back to a name, and wraps unparseable arguments', () => {
    expect(
      body(
        request({
          messages: [
            {
              role: 'assistant',
              content: [
                { type: 'text', text: 'Checking.' },
                { type: 'tool_call', id: 'a', name: 'ls', arguments: '' },
                { type: 'tool_call', id: 'b', name: 'cat', arguments: '{"path":' },
              ],
            },
            {
              role: 'user',
              content: [
                { type: 'tool_result', toolCallId: 'a', content: [{ type: 'text', text: 'a.txt\nb.txt' }] },
                {
                  type: 'tool_result',
                  toolCallId: 'b',
                  isError: true,
                  content: [{ type: 'text', text: 'denied' }],
                },
                {
                  type: 'tool_result',
                  toolCallId: 'zz',
                  name: 'named',
                  content: [{ type: 'text', text: '[1,2]' }],
                },
                { type: 'tool_result', toolCallId: 'unknown', content: [] },
              ],
            },
          ],
        }),
      ),
    ).toEqual({
      contents: [
        {
          role: 'model',
          parts: [
            { text: 'Checking.' },
            { functionCall: { name: 'ls', args: {} } },
            { functionCall: { name: 'cat', args: { raw: '{"path":' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'ls', response: { content: 'a.txt\nb.txt' } } },
            { functionResponse: { name: 'cat', response: { error: 'denied' } } },
            { functionResponse: { name: 'named', response: { content: '[1,2]' } } },
            { functionResponse: { name: 'unknown_function', response: { content: '' } } },
          ],
        },
      ],
    });
  });

  it('turns data URLs into inlineData and drops reasoning-only model turns', () => {
    expect(
      body(
        request({
          messages: [
            {
              role: 'user',
              content: [{ type: 'image', source: { kind: 'url', url: 'data:image/webp;base64,UklGRg==' } }],
            },
            { role: 'assistant', content: [{ type: 'reasoning', text: 'hmm' }] },
            { role: 'user', content: [{ type: 'text', text: 'well?' }] },
          ],
        }),
      ),
    ).toEqual({
      contents: [
        {
          role: 'user',
          parts: [{ inlineData: { mimeType: 'image/webp', data: 'UklGRg==' } }, { text: 'well?' }],
        },
      ],
    });
  });

  it('maps sampling, penalties, seed and JSON schema output into generationConfig', () => {
    expect(
      body(
        request({
          topP: 0.9,
          topK: 40,
          seed: 7,
          presencePenalty: 0.5,
          frequencyPenalty: -0.5,
          responseFormat: {
            type: 'json_schema',
            name: 'w',
            schema: { $schema: 'x', type: 'object', properties: { t: { type: ['number', 'null'] } } },
          },
        }),
      ),
    ).toEqual({
      contents: [],
      generationConfig: {
        topP: 0.9,
        topK: 40,
        seed: 7,
        presencePenalty: 0.5,
        frequencyPenalty: -0.5,
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', properties: { t: { type: ['number', 'null'] } } },
      },
    });
    expect(body(request({ responseFormat: { type: 'json_object' } }))).toEqual({
      contents: [],
      generationConfig: { responseMimeType: 'application/json' },
    });
  });

  it.each<[ToolChoice, unknown]>([
    [{ type: 'auto' }, { functionCallingConfig: { mode: 'AUTO' } }],
    [{ type: 'required' }, { functionCallingConfig: { mode: 'ANY' } }],
    [{ type: 'none' }, { functionCallingConfig: { mode: 'NONE' } }],
    [{ type: 'tool', name: 'f' }, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } }],
  ])('maps tool choice %j', (choice, expected) => {
    expect(toToolConfig(choice)).toEqual(expected);
  });

  it.each<[ReasoningConfig, unknown]>([
    [{ enabled: false }, { thinkingBudget: 0 }],
    [{ enabled: true, effort: 'none' }, { thinkingBudget: 0 }],
    [
      { enabled: true, budgetTokens: 2000, effort: 'low' },
      { thinkingBudget: 2000, includeThoughts: true },
    ],
    [
      { enabled: true, effort: 'low' },
      { thinkingBudget: 1024, includeThoughts: true },
    ],
    [
      { enabled: true, effort: 'medium' },
      { thinkingBudget: 8192, includeThoughts: true },
    ],
    [
      { enabled: true, effort: 'high' },
      { thinkingBudget: 24576, includeThoughts: true },
    ],
    [{ enabled: true }, { thinkingBudget: -1, includeThoughts: true }],
  ])('maps reasoning %j to thinkingConfig', (reasoning, expected) => {
    expect(toThinkingConfig(reasoning)).toEqual(expected);
  });

  it('re-emits Gemini passthrough fields without overriding built ones', () => {
    expect(
      body(
        request({
          passthrough: {
            dialect: 'gemini',
            fields: { safetySettings: [{ category: 'x' }], contents: 'nope' },
          },
        }),
      ),
    ).toEqual({ contents: [], safetySettings: [{ category: 'x' }] });
    expect(body(request({ passthrough: { dialect: 'anthropic', fields: { metadata: {} } } }))).toEqual({
      contents: [],
    });
  });
});

describe('gemini countTokens, embeddings and models requests', () => {
  it('counts with the generateContentRequest form so system and tools are counted', () => {
    const built = geminiProvider.buildCountTokensRequest!(roundTrip, target);
    expect(built.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:countTokens',
    );
    const parsed = JSON.parse(built.body ?? '');
    const full = body(roundTrip) as Record<string, unknown>;
    expect(parsed).toEqual({
      generateContentRequest: {
        model: 'models/gemini-2.5-flash',
        contents: full.contents,
        systemInstruction: full.systemInstruction,
        tools: full.tools,
      },
    });
    expect(geminiProvider.parseCountTokens!({ totalTokens: 412 })).toBe(412);
    expect(geminiProvider.parseCountTokens!({})).toBe(0);
  });

  it('embeds with batchEmbedContents and reads values in order', () => {
    const built = geminiProvider.buildEmbeddingsRequest!(
      { model: 'text-embedding-004', input: ['hello world', 'goodbye'], dimensions: 4 },
      { ...target, model: 'text-embedding-004' },
    );
    expect(built.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:batchEmbedContents',
    );
    expect(JSON.parse(built.body ?? '')).toEqual({
      requests: [
        {
          model: 'models/text-embedding-004',
          content: { parts: [{ text: 'hello world' }] },
          outputDimensionality: 4,
        },
        {
          model: 'models/text-embedding-004',
          content: { parts: [{ text: 'goodbye' }] },
          outputDimensionality: 4,
        },
      ],
    });
    expect(
      geminiProvider.parseEmbeddingsResponse!({
        embeddings: [{ values: [0.1, -0.2] }, { values: [0.3, 0.4] }],
      }),
    ).toEqual({
      model: '',
      vectors: [
        [0.1, -0.2],
        [0.3, 0.4],
      ],
      promptTokens: 0,
    });
    expect(() =>
      geminiProvider.buildEmbeddingsRequest!({ model: 'x', input: [1, 2, 3] }, { ...target, model: 'x' }),
    ).toThrow(/text input only/);
  });

  it('lists models without the models/ prefix', () => {
    const built = geminiProvider.buildListModelsRequest!({ baseUrl: target.baseUrl, apiKey: 'k' });
    expect(built).toEqual({
      method: 'GET',
      url: 'https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000',
      headers: { 'x-goog-api-key': 'k' },
    });
    expect(
      geminiProvider.parseListModels!({
        models: [
          { name: 'models/gemini-2.5-flash', displayName: 'Gemini 2.5 Flash' },
          { name: 'models/text-embedding-004' },
          { displayName: 'nameless' },
        ],
      }),
    ).toEqual([{ id: 'gemini-2.5-flash', displayName: 'Gemini 2.5 Flash' }, { id: 'text-embedding-004' }]);
  });
});
