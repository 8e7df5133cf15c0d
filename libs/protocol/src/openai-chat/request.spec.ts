import type { ChatRequest } from '../canonical/model';
import { ProtocolError } from '../errors';
import { readJsonFixture } from '../testing/fixtures';
import { decodeOpenAIChatRequest } from './request';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

function fixtureBody(): Record<string, unknown> {
  const fixture = readJsonFixture('openai_chat_request_tools.json') as { body: Record<string, unknown> };
  return fixture.body;
}

/** The ProtocolError a decode throws (fails the test when it does not throw one). */
function decodeError(body: unknown): ProtocolError {
  try {
    decodeOpenAIChatRequest(body);
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw err;
  }
  throw new Error('expected a ProtocolError');
}

function base(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], ...extra };
}

describe('decodeOpenAIChatRequest', () => {
  it('decodes the golden request fixture', () => {
    const expected: ChatRequest = {
      model: 'gpt-4o-2024-08-06',
      system: [
        { type: 'text', text: 'You are a terse weather assistant.' },
        { type: 'text', text: 'Always use metric units.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is the weather in Paris? Here is a photo of the sky.' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: PNG }, detail: 'low' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'tool_call', id: 'call_prev01', name: 'get_weather', arguments: '{"city":"Paris"}' },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'call_prev01',
              content: [{ type: 'text', text: '{"temp_c":18,"sky":"clear"}' }],
            },
            { type: 'text', text: 'Now compare Paris and Tokyo.' },
          ],
        },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Get current weather for a city.',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string', description: 'City name' } },
            required: ['city'],
            additionalProperties: false,
          },
          strict: true,
        },
      ],
      toolChoice: { type: 'auto' },
      parallelToolCalls: true,
      maxTokens: 1024,
      temperature: 0.2,
      stop: ['\n\nUser:'],
      stream: true,
      includeUsage: true,
      user: 'user-1234',
    };
    expect(decodeOpenAIChatRequest(fixtureBody())).toEqual(expected);
  });

  it('turns later system/developer messages into mid-conversation system turns', () => {
    const req = decodeOpenAIChatRequest(
      base({
        messages: [
          { role: 'system', content: 'A' },
          { role: 'user', content: 'hi' },
          { role: 'developer', content: [{ type: 'text', text: 'B' }] },
          { role: 'assistant', content: 'ok' },
        ],
      }),
    );
    expect(req.system).toEqual([{ type: 'text', text: 'A' }]);
    expect(req.messages.map((m) => m.role)).toEqual(['user', 'system', 'assistant']);
    expect(req.messages[1]?.content).toEqual([{ type: 'text', text: 'B' }]);
  });

  it('merges consecutive tool messages into one user turn, results first', () => {
    const req = decodeOpenAIChatRequest(
      base({
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: '',
            tool_calls: [
              { id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } },
              { id: 'b', type: 'function', function: { name: 'g', arguments: { x: 1 } } },
            ],
          },
          { role: 'tool', tool_call_id: 'a', content: 'ra' },
          { role: 'tool', tool_call_id: 'b', content: [{ type: 'text', text: 'rb' }] },
          { role: 'user', content: 'next' },
        ],
      }),
    );
    expect(req.messages).toHaveLength(3);
    expect(req.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'tool_call', id: 'a', name: 'f', arguments: '{}' },
        { type: 'tool_call', id: 'b', name: 'g', arguments: '{"x":1}' },
      ],
    });
    expect(req.messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', toolCallId: 'a', content: [{ type: 'text', text: 'ra' }] },
        { type: 'tool_result', toolCallId: 'b', content: [{ type: 'text', text: 'rb' }] },
        { type: 'text', text: 'next' },
      ],
    });
  });

  it('maps image URLs, files and audio parts', () => {
    const req = decodeOpenAIChatRequest(
      base({
        messages: [
          {
            role: 'user',
            name: 'ann',
            content: [
              { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
              {
                type: 'file',
                file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' },
              },
              { type: 'file', file: { file_id: 'file-123' } },
              { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
            ],
          },
        ],
      }),
    );
    expect(req.messages[0]).toEqual({
      role: 'user',
      name: 'ann',
      content: [
        { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
        {
          type: 'document',
          source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
          filename: 'a.pdf',
        },
        { type: 'document', source: { kind: 'file', fileId: 'file-123' } },
        {
          type: 'opaque',
          dialect: 'openai-chat',
          value: { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
        },
      ],
    });
  });

  it('maps legacy functions, function_call and function messages', () => {
    const req = decodeOpenAIChatRequest(
      base({
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{"a":1}' } },
          { role: 'function', name: 'f', content: 'done' },
        ],
        functions: [{ name: 'f', parameters: { type: 'object', properties: { a: { type: 'number' } } } }],
        function_call: { name: 'f' },
      }),
    );
    expect(req.tools).toEqual([
      { name: 'f', parameters: { type: 'object', properties: { a: { type: 'number' } } } },
    ]);
    expect(req.toolChoice).toEqual({ type: 'tool', name: 'f' });
    expect(req.messages[1]?.content).toEqual([
      { type: 'tool_call', id: 'call_legacy_1', name: 'f', arguments: '{"a":1}' },
    ]);
    expect(req.messages[2]?.content).toEqual([
      {
        type: 'tool_result',
        toolCallId: 'call_legacy_1',
        name: 'f',
        content: [{ type: 'text', text: 'done' }],
      },
    ]);
  });

  it('maps sampling, stop, response_format, reasoning_effort and tool_choice variants', () => {
    const req = decodeOpenAIChatRequest(
      base({
        max_tokens: 50,
        stop: 'END',
        top_p: 0.9,
        seed: 7,
        presence_penalty: 0.1,
        frequency_penalty: 0.2,
        temperature: null,
        reasoning_effort: 'high',
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'x', schema: { type: 'object' }, strict: true },
        },
        tools: [{ type: 'function', function: { name: 'f' } }],
        tool_choice: { type: 'function', function: { name: 'f' } },
      }),
    );
    expect(req.maxTokens).toBe(50);
    expect(req.stop).toEqual(['END']);
    expect(req.topP).toBe(0.9);
    expect(req.seed).toBe(7);
    expect(req.presencePenalty).toBe(0.1);
    expect(req.frequencyPenalty).toBe(0.2);
    expect(req.temperature).toBeUndefined();
    expect(req.reasoning).toEqual({ enabled: true, effort: 'high' });
    expect(req.responseFormat).toEqual({
      type: 'json_schema',
      name: 'x',
      schema: { type: 'object' },
      strict: true,
    });
    expect(req.tools).toEqual([{ name: 'f', parameters: { type: 'object', properties: {} } }]);
    expect(req.toolChoice).toEqual({ type: 'tool', name: 'f' });

    expect(decodeOpenAIChatRequest(base({ max_completion_tokens: 9, max_tokens: 5 })).maxTokens).toBe(9);
    expect(decodeOpenAIChatRequest(base({ reasoning_effort: 'none' })).reasoning).toEqual({
      enabled: false,
      effort: 'none',
    });
    expect(decodeOpenAIChatRequest(base({ tool_choice: 'required' })).toolChoice).toEqual({
      type: 'required',
    });
    expect(
      decodeOpenAIChatRequest(
        base({ tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required' } } }),
      ).toolChoice,
    ).toEqual({ type: 'required' });
  });

  it('keeps unmapped fields in passthrough', () => {
    const req = decodeOpenAIChatRequest(
      base({
        stream: true,
        stream_options: { include_usage: false, include_obfuscation: false },
        logprobs: true,
        top_logprobs: 3,
        n: 2,
        service_tier: 'flex',
        store: false,
        metadata: { a: 'b' },
        prompt_cache_key: 'k',
        safety_identifier: 's',
        logit_bias: { '50256': -100 },
        modalities: ['text'],
        verbosity: 'low',
        web_search_options: {},
      }),
    );
    expect(req.includeUsage).toBe(false);
    expect(req.passthrough).toEqual({
      dialect: 'openai-chat',
      fields: {
        stream_options: { include_obfuscation: false },
        logprobs: true,
        top_logprobs: 3,
        n: 2,
        service_tier: 'flex',
        store: false,
        metadata: { a: 'b' },
        prompt_cache_key: 'k',
        safety_identifier: 's',
        logit_bias: { '50256': -100 },
        modalities: ['text'],
        verbosity: 'low',
        web_search_options: {},
      },
    });
    expect(decodeOpenAIChatRequest(base()).passthrough).toBeUndefined();
  });

  describe('rejects malformed input with the offending param', () => {
    const cases: Array<[string, unknown, string | null]> = [
      ['a non-object body', [], null],
      ['a missing model', { messages: [{ role: 'user', content: 'x' }] }, 'model'],
      ['a non-string model', { model: 4, messages: [] }, 'model'],
      ['missing messages', { model: 'm' }, 'messages'],
      ['empty messages', { model: 'm', messages: [] }, 'messages'],
      ['a non-object message', base({ messages: ['hi'] }), 'messages[0]'],
      ['a missing role', base({ messages: [{ content: 'x' }] }), 'messages[0].role'],
      ['an unknown role', base({ messages: [{ role: 'robot', content: 'x' }] }), 'messages[0].role'],
      [
        'a numeric content',
        base({
          messages: [
            { role: 'user', content: 'a' },
            { role: 'assistant', content: 'b' },
            { role: 'user', content: 5 },
          ],
        }),
        'messages[2].content',
      ],
      ['a missing user content', base({ messages: [{ role: 'user' }] }), 'messages[0].content'],
      [
        'a text part without text',
        base({ messages: [{ role: 'user', content: [{ type: 'text' }] }] }),
        'messages[0].content[0].text',
      ],
      [
        'an image part without url',
        base({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }),
        'messages[0].content[0].image_url.url',
      ],
      [
        'a part without type',
        base({ messages: [{ role: 'user', content: [{ text: 'x' }] }] }),
        'messages[0].content[0].type',
      ],
      [
        'an image in a system message',
        base({
          messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x' } }] }],
        }),
        'messages[0].content[0].type',
      ],
      [
        'a tool message without id',
        base({ messages: [{ role: 'tool', content: 'x' }] }),
        'messages[0].tool_call_id',
      ],
      [
        'a tool call without name',
        base({
          messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: {} }] }],
        }),
        'messages[0].tool_calls[0].function.name',
      ],
      [
        'a tool call without id',
        base({
          messages: [{ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f' } }] }],
        }),
        'messages[0].tool_calls[0].id',
      ],
      ['non-array tools', base({ tools: {} }), 'tools'],
      [
        'a tool without name',
        base({ tools: [{ type: 'function', function: {} }] }),
        'tools[0].function.name',
      ],
      ['an unknown tool_choice', base({ tool_choice: 'sometimes' }), 'tool_choice'],
      ['a string temperature', base({ temperature: 'hot' }), 'temperature'],
      ['a string max_tokens', base({ max_tokens: '10' }), 'max_tokens'],
      ['a non-boolean stream', base({ stream: 'yes' }), 'stream'],
      ['a numeric stop entry', base({ stop: ['a', 1] }), 'stop[1]'],
      ['an unknown response_format', base({ response_format: { type: 'xml' } }), 'response_format.type'],
      ['an unknown reasoning_effort', base({ reasoning_effort: 'extreme' }), 'reasoning_effort'],
    ];
    it.each(cases)('%s', (_name, body, param) => {
      expect(decodeError(body).param).toBe(param);
    });
  });
});
