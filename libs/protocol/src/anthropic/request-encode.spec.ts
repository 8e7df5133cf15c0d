import type { ChatRequest, ContentPart, Message, TextPart } from '../canonical/model';
import { readJsonFixture } from '../testing/fixtures';
import { decodeAnthropicRequest } from './request';
import { encodeAnthropicRequest } from './request-encode';

const OPTS = { defaultMaxTokens: 4096 };

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'claude-sonnet-4-5',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    stream: false,
    ...overrides,
  };
}

const user = (...content: ContentPart[]): Message => ({ role: 'user', content });
const assistant = (...content: ContentPart[]): Message => ({ role: 'assistant', content });
const text = (t: string): TextPart => ({ type: 'text', text: t });

describe('encodeAnthropicRequest', () => {
  it('encodes an OpenAI-shaped request (openai_chat_request_tools.json) per WIRE-FORMATS 5.2', () => {
    const fixture = readJsonFixture('openai_chat_request_tools.json') as {
      body: {
        messages: Array<{ content: unknown }>;
        tools: Array<{ function: { parameters: Record<string, unknown> } }>;
      };
    };
    const dataUrl =
      (fixture.body.messages[2]?.content as Array<{ image_url?: { url: string } }>)[1]?.image_url?.url ?? '';
    const parameters = fixture.body.tools[0]?.function.parameters ?? {};
    // The canonical request as the OpenAI decoder produces it for that body.
    const canonical: ChatRequest = {
      model: 'claude-sonnet-4-5-20250929',
      system: [{ type: 'text', text: 'You are a terse weather assistant.' }],
      messages: [
        { role: 'system', content: [text('Always use metric units.')] },
        user(text('What is the weather in Paris? Here is a photo of the sky.'), {
          type: 'image',
          source: { kind: 'url', url: dataUrl },
          detail: 'low',
        }),
        assistant({
          type: 'tool_call',
          id: 'call_prev01',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
        }),
        user({
          type: 'tool_result',
          toolCallId: 'call_prev01',
          content: [text('{"temp_c":18,"sky":"clear"}')],
        }),
        user(text('Now compare Paris and Tokyo.')),
      ],
      tools: [
        { name: 'get_weather', description: 'Get current weather for a city.', parameters, strict: true },
      ],
      toolChoice: { type: 'auto' },
      parallelToolCalls: true,
      maxTokens: 1024,
      temperature: 0.2,
      stop: ['\n\nUser:'],
      stream: true,
      includeUsage: true,
      user: 'user-1234',
      passthrough: { dialect: 'openai-chat', fields: { service_tier: 'default' } },
    };
    expect(encodeAnthropicRequest(canonical, OPTS)).toStrictEqual({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 1024,
      system: [
        { type: 'text', text: 'You are a terse weather assistant.' },
        { type: 'text', text: 'Always use metric units.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is the weather in Paris? Here is a photo of the sky.' },
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/png', data: dataUrl.split(',')[1] },
            },
          ],
        },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'call_prev01', name: 'get_weather', input: { city: 'Paris' } }],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'call_prev01',
              content: '{"temp_c":18,"sky":"clear"}',
            },
            { type: 'text', text: 'Now compare Paris and Tokyo.' },
          ],
        },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Get current weather for a city.',
          input_schema: parameters,
          strict: true,
        },
      ],
      tool_choice: { type: 'auto' },
      stop_sequences: ['\n\nUser:'],
      temperature: 0.2,
      metadata: { user_id: 'user-1234' },
      stream: true,
    });
  });

  it('re-encodes the decoded golden Anthropic request faithfully', () => {
    const fixture = readJsonFixture('anthropic_messages_request_tools.json') as {
      body: Record<string, unknown>;
    };
    const out = encodeAnthropicRequest(decodeAnthropicRequest(fixture.body), OPTS);
    const body = fixture.body;
    expect(out).toStrictEqual({
      model: body.model,
      max_tokens: 4096,
      system: body.system,
      messages: [
        { role: 'user', content: [{ type: 'text', text: "What's the weather in Paris?" }] },
        ...(body.messages as unknown[]).slice(1),
      ],
      tools: body.tools,
      tool_choice: { type: 'auto' },
      stop_sequences: body.stop_sequences,
      // temperature is left out: thinking is on.
      thinking: body.thinking,
      metadata: body.metadata,
      stream: true,
    });
  });

  it('sanitizes tool ids the same way on tool_use and tool_result, without collisions', () => {
    const out = encodeAnthropicRequest(
      request({
        messages: [
          user(text('go')),
          assistant(
            { type: 'tool_call', id: 'functions.Bash:0', name: 'Bash', arguments: '{}' },
            { type: 'tool_call', id: 'functions_Bash_0', name: 'Bash', arguments: '{}' },
          ),
          user(
            { type: 'tool_result', toolCallId: 'functions.Bash:0', content: [text('a')] },
            { type: 'tool_result', toolCallId: 'functions_Bash_0', content: [text('b')] },
          ),
        ],
      }),
      OPTS,
    );
    const messages = out.messages as Array<{ content: Array<Record<string, unknown>> }>;
    expect(messages[1]?.content.map((b) => b.id)).toEqual(['functions_Bash_0', 'functions_Bash_0_1']);
    expect(messages[2]?.content.map((b) => b.tool_use_id)).toEqual([
      'functions_Bash_0',
      'functions_Bash_0_1',
    ]);
  });

  it('merges consecutive tool results into one user turn with the results first', () => {
    const out = encodeAnthropicRequest(
      request({
        messages: [
          user(text('go')),
          assistant(
            text(''),
            { type: 'tool_call', id: 'a', name: 't', arguments: '' },
            { type: 'tool_call', id: 'b', name: 't', arguments: 'not json' },
            { type: 'tool_call', id: 'c', name: 't', arguments: '[1]' },
          ),
          user({ type: 'tool_result', toolCallId: 'a', content: [] }),
          user(text('note'), { type: 'tool_result', toolCallId: 'b', content: [text('x')], isError: true }),
          user({ type: 'tool_result', toolCallId: 'c', content: [text('')] }),
        ],
      }),
      OPTS,
    );
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'a', name: 't', input: {} },
          { type: 'tool_use', id: 'b', name: 't', input: { raw: 'not json' } },
          { type: 'tool_use', id: 'c', name: 't', input: { raw: '[1]' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'a' },
          { type: 'tool_result', tool_use_id: 'b', content: 'x', is_error: true },
          { type: 'tool_result', tool_use_id: 'c' },
          { type: 'text', text: 'note' },
        ],
      },
    ]);
  });

  it('drops empty text, unsigned reasoning and foreign opaque parts; keeps signed and redacted thinking', () => {
    const anthropicOpaque = { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} };
    const out = encodeAnthropicRequest(
      request({
        system: [text(''), { type: 'text', text: 'sys', cacheControl: { type: 'ephemeral', ttl: '1h' } }],
        messages: [
          user(text(''), text('q'), { type: 'reasoning', text: 'user-side', signature: 's' }),
          assistant(
            { type: 'reasoning', text: 'from gpt' },
            { type: 'reasoning', text: 'signed', signature: 'sig' },
            { type: 'reasoning', text: '', redacted: 'r==' },
            { type: 'opaque', dialect: 'openai-chat', value: { x: 1 } },
            { type: 'opaque', dialect: 'anthropic', value: anthropicOpaque },
            text('answer'),
          ),
          assistant(text('')),
        ],
      }),
      OPTS,
    );
    expect(out.system).toEqual([
      { type: 'text', text: 'sys', cache_control: { type: 'ephemeral', ttl: '1h' } },
    ]);
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'signed', signature: 'sig' },
          { type: 'redacted_thinking', data: 'r==' },
          anthropicOpaque,
          { type: 'text', text: 'answer' },
        ],
      },
    ]);
  });

  it('never sends an empty conversation', () => {
    const out = encodeAnthropicRequest(request({ messages: [user(text(''))] }), OPTS);
    expect(out.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: '...' }] }]);
  });

  it('encodes documents and URL images', () => {
    const out = encodeAnthropicRequest(
      request({
        messages: [
          user(
            { type: 'image', source: { kind: 'url', url: 'https://x/a.png' } },
            {
              type: 'document',
              source: { kind: 'base64', mediaType: 'application/pdf', data: 'JV' },
              filename: 'a.pdf',
            },
            { type: 'document', source: { kind: 'text', text: 'plain' }, title: 'T' },
            { type: 'document', source: { kind: 'file', fileId: 'file_1' } },
          ),
        ],
      }),
      OPTS,
    );
    expect((out.messages as Array<{ content: unknown }>)[0]?.content).toEqual([
      { type: 'image', source: { type: 'url', url: 'https://x/a.png' } },
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: 'JV' },
        title: 'a.pdf',
      },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain' }, title: 'T' },
      { type: 'document', source: { type: 'file', file_id: 'file_1' } },
    ]);
  });

  it('requires max_tokens (default), clamps temperature, keeps top_p/top_k without thinking', () => {
    const out = encodeAnthropicRequest(request({ temperature: 1.7, topP: 0.5, topK: 3, seed: 7 }), OPTS);
    expect(out).toMatchObject({ max_tokens: 4096, temperature: 1, top_p: 0.5, top_k: 3 });
    expect(out).not.toHaveProperty('seed');
    expect(encodeAnthropicRequest(request({ temperature: -1 }), OPTS).temperature).toBe(0);
  });

  it.each([
    [{ type: 'auto' as const }, undefined, { type: 'auto' }],
    [{ type: 'auto' as const }, false, { type: 'auto', disable_parallel_tool_use: true }],
    [{ type: 'required' as const }, false, { type: 'any', disable_parallel_tool_use: true }],
    [{ type: 'tool' as const, name: 'get' }, true, { type: 'tool', name: 'get' }],
    [{ type: 'none' as const }, false, { type: 'none' }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
  ])('maps tool choice %j with parallel=%s', (toolChoice, parallelToolCalls, expected) => {
    const out = encodeAnthropicRequest(
      request({
        tools: [{ name: 'get', parameters: {} }],
        ...(toolChoice ? { toolChoice } : {}),
        ...(parallelToolCalls !== undefined ? { parallelToolCalls } : {}),
      }),
      OPTS,
    );
    expect(out.tool_choice).toEqual(expected);
    expect(out.tools).toEqual([{ name: 'get', input_schema: { type: 'object', properties: {} } }]);
  });

  it('omits tool_choice when there are no tools', () => {
    const out = encodeAnthropicRequest(
      request({ toolChoice: { type: 'none' }, parallelToolCalls: false }),
      OPTS,
    );
    expect(out).not.toHaveProperty('tool_choice');
    expect(out).not.toHaveProperty('tools');
  });

  it.each([
    ['low', 1024],
    ['minimal', 1024],
    ['medium', 2048],
    ['high', 4096],
    ['xhigh', 8192],
  ] as const)('turns effort %s into a thinking budget of %d and drops temperature', (effort, budget) => {
    const out = encodeAnthropicRequest(
      request({
        reasoning: { enabled: true, effort },
        temperature: 0.2,
        topK: 5,
        topP: 0.99,
        maxTokens: 20000,
      }),
      OPTS,
    );
    expect(out.thinking).toEqual({ type: 'enabled', budget_tokens: budget });
    expect(out).not.toHaveProperty('temperature');
    expect(out).not.toHaveProperty('top_k');
    expect(out.top_p).toBe(0.99);
  });

  it('keeps the thinking budget below max_tokens, or drops thinking when there is no room', () => {
    const tight = encodeAnthropicRequest(
      request({ reasoning: { enabled: true, effort: 'high' }, maxTokens: 3000 }),
      OPTS,
    );
    expect(tight.thinking).toEqual({ type: 'enabled', budget_tokens: 2999 });
    const none = encodeAnthropicRequest(
      request({ reasoning: { enabled: true, budgetTokens: 2048 }, maxTokens: 1000, temperature: 0.5 }),
      OPTS,
    );
    expect(none).not.toHaveProperty('thinking');
    expect(none.temperature).toBe(0.5);
  });

  it('maps disabled, adaptive and forced-tool reasoning', () => {
    expect(encodeAnthropicRequest(request({ reasoning: { enabled: false } }), OPTS).thinking).toEqual({
      type: 'disabled',
    });
    expect(
      encodeAnthropicRequest(request({ reasoning: { enabled: true, effort: 'none' } }), OPTS).thinking,
    ).toEqual({
      type: 'disabled',
    });
    const adaptive = encodeAnthropicRequest(
      request({ reasoning: { enabled: true, adaptive: true, effort: 'high' } }),
      OPTS,
    );
    expect(adaptive.thinking).toEqual({ type: 'adaptive' });
    expect(adaptive.output_config).toEqual({ effort: 'high' });
    const forced = encodeAnthropicRequest(
      request({
        reasoning: { enabled: true, effort: 'high' },
        tools: [{ name: 'x', parameters: { type: 'object' } }],
        toolChoice: { type: 'tool', name: 'x' },
      }),
      OPTS,
    );
    expect(forced).not.toHaveProperty('thinking');
  });

  it('maps a json_schema response format to output_config.format', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    const out = encodeAnthropicRequest(
      request({ responseFormat: { type: 'json_schema', name: 'x', schema, strict: true } }),
      OPTS,
    );
    expect(out.output_config).toEqual({ format: { type: 'json_schema', schema } });
    expect(
      encodeAnthropicRequest(request({ responseFormat: { type: 'json_object' } }), OPTS),
    ).not.toHaveProperty('output_config');
  });

  it('re-emits passthrough fields only for the anthropic dialect, server tools after client tools', () => {
    const webSearch = { type: 'web_search_20250305', name: 'web_search' };
    const fields = {
      tools: [webSearch],
      context_management: { edits: [] },
      output_config: { effort: 'low' },
      model: 'must-not-override',
    };
    const base = request({
      tools: [{ name: 'Bash', parameters: { type: 'object' } }],
      responseFormat: { type: 'json_schema', name: 'o', schema: { type: 'object' } },
    });
    const same = encodeAnthropicRequest({ ...base, passthrough: { dialect: 'anthropic', fields } }, OPTS);
    expect(same.tools).toEqual([{ name: 'Bash', input_schema: { type: 'object' } }, webSearch]);
    expect(same.context_management).toEqual({ edits: [] });
    expect(same.output_config).toEqual({
      effort: 'low',
      format: { type: 'json_schema', schema: { type: 'object' } },
    });
    expect(same.model).toBe('claude-sonnet-4-5');
    const foreign = encodeAnthropicRequest(
      { ...base, passthrough: { dialect: 'openai-chat', fields } },
      OPTS,
    );
    expect(foreign).not.toHaveProperty('context_management');
    expect(foreign.tools).toEqual([{ name: 'Bash', input_schema: { type: 'object' } }]);
  });
});
