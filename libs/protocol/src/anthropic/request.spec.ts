import type { ChatRequest } from '../canonical/model';
import { ProtocolError } from '../errors';
import { readJsonFixture } from '../testing/fixtures';
import { decodeAnthropicRequest } from './request';

function fixtureBody(): Record<string, unknown> {
  const fixture = readJsonFixture('anthropic_messages_request_tools.json') as {
    body: Record<string, unknown>;
  };
  return fixture.body;
}

function minimal(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'claude-sonnet-4-5',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  };
}

function paramOf(body: unknown): string | null | undefined {
  try {
    decodeAnthropicRequest(body);
  } catch (e) {
    if (e instanceof ProtocolError) return e.param;
    throw e;
  }
  return undefined;
}

describe('decodeAnthropicRequest', () => {
  it('decodes the Claude-Code-like golden request', () => {
    const expected: ChatRequest = {
      model: 'claude-sonnet-4-5-20250929',
      maxTokens: 4096,
      stream: true,
      includeUsage: true,
      system: [
        { type: 'text', text: 'You are a helpful coding assistant.' },
        {
          type: 'text',
          text: 'Use the get_weather tool for weather questions.',
          cacheControl: { type: 'ephemeral' },
        },
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: "What's the weather in Paris?" }] },
        {
          role: 'assistant',
          content: [
            {
              type: 'reasoning',
              text: 'User wants Paris weather; call the tool.',
              signature: 'EqQBCkYIBxgCKkDsyntheticSignatureForFixturesOnly==',
            },
            { type: 'text', text: 'Let me check.' },
            {
              type: 'tool_call',
              id: 'toolu_01A09q90qw90lq917835lq9',
              name: 'get_weather',
              arguments: '{"city":"Paris"}',
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              toolCallId: 'toolu_01A09q90qw90lq917835lq9',
              content: [{ type: 'text', text: '18°C, clear sky' }],
            },
            { type: 'text', text: 'Thanks! And Tokyo?', cacheControl: { type: 'ephemeral' } },
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
          },
        },
      ],
      toolChoice: { type: 'auto' },
      parallelToolCalls: true,
      reasoning: { enabled: true, budgetTokens: 2048 },
      user: 'user_5dd07c33_account__session_d2e70091-3007-41a3-a916-cb8b0d3098de',
      stop: ['\n\nHuman:'],
      temperature: 1,
    };
    expect(decodeAnthropicRequest(fixtureBody())).toStrictEqual(expected);
  });

  it('accepts a string system prompt and mid-conversation system messages', () => {
    const req = decodeAnthropicRequest(
      minimal({
        system: 'Be brief.',
        messages: [
          { role: 'user', content: 'a' },
          { role: 'system', content: [{ type: 'text', text: 'reminder' }] },
          { role: 'assistant', content: 'b' },
        ],
      }),
    );
    expect(req.system).toEqual([{ type: 'text', text: 'Be brief.' }]);
    expect(req.messages.map((m) => m.role)).toEqual(['user', 'system', 'assistant']);
    expect(req.messages[1]?.content).toEqual([{ type: 'text', text: 'reminder' }]);
    expect(req.stream).toBe(false);
    expect(req.includeUsage).toBeUndefined();
  });

  it('decodes images, documents, redacted thinking and keeps unknown blocks opaque', () => {
    const unknown = { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' } };
    const fileImage = { type: 'image', source: { type: 'file', file_id: 'file_1' } };
    const contentDoc = {
      type: 'document',
      source: { type: 'content', content: [{ type: 'text', text: 'x' }] },
    };
    const req = decodeAnthropicRequest(
      minimal({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAA' } },
              {
                type: 'image',
                source: { type: 'url', url: 'https://x/y.png' },
                cache_control: { type: 'ephemeral', ttl: '1h' },
              },
              fileImage,
              {
                type: 'document',
                source: { type: 'base64', media_type: 'application/pdf', data: 'JVBER' },
                title: 'Spec',
              },
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain' } },
              { type: 'document', source: { type: 'url', url: 'https://x/d.pdf' } },
              { type: 'document', source: { type: 'file', file_id: 'file_2' } },
              contentDoc,
            ],
          },
          {
            role: 'assistant',
            content: [{ type: 'redacted_thinking', data: 'opaque==' }, unknown],
          },
        ],
      }),
    );
    expect(req.messages[0]?.content).toEqual([
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAA' } },
      {
        type: 'image',
        source: { kind: 'url', url: 'https://x/y.png' },
        cacheControl: { type: 'ephemeral', ttl: '1h' },
      },
      { type: 'opaque', dialect: 'anthropic', value: fileImage },
      {
        type: 'document',
        source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBER' },
        title: 'Spec',
      },
      { type: 'document', source: { kind: 'text', text: 'plain' } },
      { type: 'document', source: { kind: 'url', url: 'https://x/d.pdf' } },
      { type: 'document', source: { kind: 'file', fileId: 'file_2' } },
      { type: 'opaque', dialect: 'anthropic', value: contentDoc },
    ]);
    expect(req.messages[1]?.content).toEqual([
      { type: 'reasoning', text: '', redacted: 'opaque==' },
      { type: 'opaque', dialect: 'anthropic', value: unknown },
    ]);
  });

  it('decodes tool results with block content, errors and nested unknown blocks', () => {
    const search = { type: 'search_result', source: 's', title: 't', content: [] };
    const req = decodeAnthropicRequest(
      minimal({
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'toolu_1',
                is_error: true,
                content: [
                  { type: 'text', text: 'failed' },
                  { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'J' } },
                  search,
                ],
              },
              { type: 'tool_result', tool_use_id: 'toolu_2' },
            ],
          },
        ],
      }),
    );
    expect(req.messages[0]?.content).toEqual([
      {
        type: 'tool_result',
        toolCallId: 'toolu_1',
        isError: true,
        content: [
          { type: 'text', text: 'failed' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: 'J' } },
          { type: 'text', text: JSON.stringify(search) },
        ],
      },
      { type: 'tool_result', toolCallId: 'toolu_2', content: [] },
    ]);
  });

  it('keeps server tools and unknown top-level fields in passthrough', () => {
    const webSearch = { type: 'web_search_20250305', name: 'web_search', max_uses: 5 };
    const req = decodeAnthropicRequest(
      minimal({
        tools: [
          {
            name: 'Bash',
            input_schema: { type: 'object' },
            type: 'custom',
            strict: true,
            cache_control: { type: 'ephemeral' },
          },
          webSearch,
        ],
        context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
        service_tier: 'auto',
        container: 'cntr_1',
        inference_geo: 'us',
        cache_control: { type: 'ephemeral' },
        mcp_servers: [{ type: 'url', url: 'https://mcp', name: 'm' }],
      }),
    );
    expect(req.tools).toEqual([
      { name: 'Bash', parameters: { type: 'object' }, strict: true, cacheControl: { type: 'ephemeral' } },
    ]);
    expect(req.passthrough).toEqual({
      dialect: 'anthropic',
      fields: {
        tools: [webSearch],
        context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
        service_tier: 'auto',
        container: 'cntr_1',
        inference_geo: 'us',
        cache_control: { type: 'ephemeral' },
        mcp_servers: [{ type: 'url', url: 'https://mcp', name: 'm' }],
      },
    });
  });

  it.each([
    [{ type: 'auto' }, { type: 'auto' }, undefined],
    [{ type: 'any', disable_parallel_tool_use: true }, { type: 'required' }, false],
    [{ type: 'tool', name: 'Bash', disable_parallel_tool_use: false }, { type: 'tool', name: 'Bash' }, true],
    [{ type: 'none' }, { type: 'none' }, undefined],
  ])('maps tool_choice %j', (choice, toolChoice, parallel) => {
    const req = decodeAnthropicRequest(minimal({ tool_choice: choice }));
    expect(req.toolChoice).toEqual(toolChoice);
    expect(req.parallelToolCalls).toBe(parallel);
  });

  it('maps thinking modes, effort and structured output', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const adaptive = decodeAnthropicRequest(
      minimal({
        thinking: { type: 'adaptive' },
        output_config: { effort: 'high', format: { type: 'json_schema', schema } },
      }),
    );
    expect(adaptive.reasoning).toEqual({ enabled: true, adaptive: true, effort: 'high' });
    expect(adaptive.responseFormat).toEqual({ type: 'json_schema', name: 'output', schema });
    expect(adaptive.passthrough?.fields.output_config).toEqual({
      effort: 'high',
      format: { type: 'json_schema', schema },
    });
    expect(decodeAnthropicRequest(minimal({ thinking: { type: 'disabled' } })).reasoning).toEqual({
      enabled: false,
    });
    expect(decodeAnthropicRequest(minimal()).reasoning).toBeUndefined();
  });

  it('reads sampling parameters, metadata and stop sequences', () => {
    const req = decodeAnthropicRequest(
      minimal({
        temperature: 0.3,
        top_p: 0.9,
        top_k: 40,
        metadata: { user_id: 'u1' },
        stop_sequences: ['X'],
      }),
    );
    expect(req).toMatchObject({ temperature: 0.3, topP: 0.9, topK: 40, user: 'u1', stop: ['X'] });
    expect(req.passthrough).toBeUndefined();
  });

  it('lets count_tokens bodies omit max_tokens when asked', () => {
    const body = { model: 'claude-x', messages: [{ role: 'user', content: 'hi' }] };
    expect(decodeAnthropicRequest(body, { requireMaxTokens: false }).maxTokens).toBeUndefined();
    expect(paramOf(body)).toBe('max_tokens');
  });

  it.each<[string, unknown, string | null]>([
    ['a non-object body', [1, 2], null],
    ['a missing model', { max_tokens: 1, messages: [] }, 'model'],
    ['a missing max_tokens', { model: 'm', messages: [] }, 'max_tokens'],
    ['a string max_tokens', minimal({ max_tokens: '10' }), 'max_tokens'],
    ['a negative max_tokens', minimal({ max_tokens: -1 }), 'max_tokens'],
    ['missing messages', { model: 'm', max_tokens: 1 }, 'messages'],
    ['messages not an array', minimal({ messages: {} }), 'messages'],
    ['a message not an object', minimal({ messages: ['hi'] }), 'messages.0'],
    [
      'a bad role',
      minimal({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'tool', content: 'b' },
        ],
      }),
      'messages.1.role',
    ],
    [
      'content of the wrong type',
      minimal({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'user', content: 5 },
        ],
      }),
      'messages.1.content',
    ],
    ['missing content', minimal({ messages: [{ role: 'user' }] }), 'messages.0.content'],
    [
      'a block without type',
      minimal({ messages: [{ role: 'user', content: [{ text: 'x' }] }] }),
      'messages.0.content.0.type',
    ],
    [
      'a text block without text',
      minimal({ messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text' }] }] }),
      'messages.0.content.1.text',
    ],
    [
      'tool_use input not an object',
      minimal({
        messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'b', input: 'x' }] }],
      }),
      'messages.0.content.0.input',
    ],
    [
      'tool_result without id',
      minimal({ messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'x' }] }] }),
      'messages.0.content.0.tool_use_id',
    ],
    [
      'an image without source',
      minimal({ messages: [{ role: 'user', content: [{ type: 'image' }] }] }),
      'messages.0.content.0.source',
    ],
    [
      'a bad cache_control ttl',
      minimal({ system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral', ttl: '2h' } }] }),
      'system.0.cache_control.ttl',
    ],
    ['a non-text system block', minimal({ system: [{ type: 'image' }] }), 'system.0.type'],
    ['system of the wrong type', minimal({ system: 5 }), 'system'],
    ['a tool without input_schema', minimal({ tools: [{ name: 'x' }] }), 'tools.0.input_schema'],
    ['a tool without name', minimal({ tools: [{ input_schema: {} }] }), 'tools.0.name'],
    ['a bad tool_choice type', minimal({ tool_choice: { type: 'bogus' } }), 'tool_choice.type'],
    ['tool_choice tool without name', minimal({ tool_choice: { type: 'tool' } }), 'tool_choice.name'],
    ['thinking without budget', minimal({ thinking: { type: 'enabled' } }), 'thinking.budget_tokens'],
    ['a bad thinking type', minimal({ thinking: { type: 'on' } }), 'thinking.type'],
    ['a non-string stop sequence', minimal({ stop_sequences: ['a', 1] }), 'stop_sequences.1'],
    ['a string temperature', minimal({ temperature: 'hot' }), 'temperature'],
    ['a fractional top_k', minimal({ top_k: 1.5 }), 'top_k'],
    ['a non-boolean stream', minimal({ stream: 'yes' }), 'stream'],
    ['metadata.user_id not a string', minimal({ metadata: { user_id: 5 } }), 'metadata.user_id'],
  ])('rejects %s with its param', (_name, body, param) => {
    expect(paramOf(body)).toBe(param);
  });
});
