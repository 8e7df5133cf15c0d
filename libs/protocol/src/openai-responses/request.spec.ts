import type { ChatRequest } from '../canonical/model';
import { ProtocolError } from '../errors';
import { readJsonFixture } from '../testing/fixtures';
import { decodeResponsesRequest } from './request-decode';
import { encodeResponsesRequest } from './request-encode';

function paramOf(fn: () => unknown): string | null | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e.param;
    throw e;
  }
  return undefined;
}

describe('decodeResponsesRequest', () => {
  it('decodes the minimal golden request', () => {
    const fx = readJsonFixture('errors_models_misc.json') as { openai: { responses_request_min: unknown } };
    expect(decodeResponsesRequest(fx.openai.responses_request_min)).toStrictEqual({
      model: 'gpt-5',
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] }],
      stream: false,
      tools: [
        {
          name: 'get_weather',
          description: 'Get weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          },
          strict: true,
        },
      ],
      maxTokens: 512,
      reasoning: { enabled: true, effort: 'low' },
      passthrough: { dialect: 'openai-responses', fields: { store: false } },
    } satisfies ChatRequest);
  });

  it('decodes a string input as one user turn', () => {
    const req = decodeResponsesRequest({ model: 'gpt-5', input: 'hi', stream: true });
    expect(req).toStrictEqual({
      model: 'gpt-5',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      stream: true,
    });
  });

  it('groups a Codex-style tool loop into canonical turns', () => {
    const req = decodeResponsesRequest({
      model: 'gpt-5-codex',
      instructions: 'You are Codex.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<env>linux</env>' }] },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is in this image and file?' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0K', detail: 'high' },
            { type: 'input_image', image_url: 'https://example.com/a.png' },
            { type: 'input_file', filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' },
            { type: 'input_file', file_id: 'file-abc' },
          ],
        },
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [
            { type: 'summary_text', text: 'Look at the file.' },
            { type: 'summary_text', text: 'Then answer.' },
          ],
          encrypted_content: 'gAAAA-enc',
        },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Reading it.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"cmd":["ls"]}' },
        { type: 'function_call', call_id: 'call_2', name: 'shell', arguments: '{"cmd":["pwd"]}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
        {
          type: 'function_call_output',
          call_id: 'call_2',
          output: [{ type: 'input_text', text: '/repo' }],
        },
        { role: 'user', content: 'thanks' },
        { role: 'system', content: 'Be terse from now on.' },
        { type: 'web_search_call', id: 'ws_1', status: 'completed' },
      ],
      tools: [
        { type: 'function', name: 'shell', parameters: { type: 'object', properties: {} }, strict: false },
        { type: 'web_search' },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
      temperature: 0.5,
      top_p: 0.9,
      user: 'legacy-user',
      safety_identifier: 'user-123',
      reasoning: { effort: 'high', summary: 'auto' },
      text: {
        format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
        verbosity: 'low',
      },
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'session-1',
      previous_response_id: 'resp_prev',
    });
    expect(req).toStrictEqual({
      model: 'gpt-5-codex',
      system: [
        { type: 'text', text: 'You are Codex.' },
        { type: 'text', text: '<env>linux</env>' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this image and file?' },
            {
              type: 'image',
              source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0K' },
              detail: 'high',
            },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
            {
              type: 'document',
              source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0x' },
              filename: 'spec.pdf',
            },
            { type: 'document', source: { kind: 'file', fileId: 'file-abc' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Look at the file.\n\nThen answer.' },
            {
              type: 'opaque',
              dialect: 'openai-responses',
              value: {
                type: 'reasoning',
                id: 'rs_1',
                summary: [
                  { type: 'summary_text', text: 'Look at the file.' },
                  { type: 'summary_text', text: 'Then answer.' },
                ],
                encrypted_content: 'gAAAA-enc',
              },
            },
            { type: 'text', text: 'Reading it.' },
            { type: 'tool_call', id: 'call_1', name: 'shell', arguments: '{"cmd":["ls"]}' },
            { type: 'tool_call', id: 'call_2', name: 'shell', arguments: '{"cmd":["pwd"]}' },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', toolCallId: 'call_1', content: [{ type: 'text', text: 'a.txt' }] },
            { type: 'tool_result', toolCallId: 'call_2', content: [{ type: 'text', text: '/repo' }] },
            { type: 'text', text: 'thanks' },
          ],
        },
        { role: 'system', content: [{ type: 'text', text: 'Be terse from now on.' }] },
        {
          role: 'assistant',
          content: [
            {
              type: 'opaque',
              dialect: 'openai-responses',
              value: { type: 'web_search_call', id: 'ws_1', status: 'completed' },
            },
          ],
        },
      ],
      stream: false,
      tools: [{ name: 'shell', parameters: { type: 'object', properties: {} }, strict: false }],
      toolChoice: { type: 'required' },
      parallelToolCalls: false,
      temperature: 0.5,
      topP: 0.9,
      user: 'user-123',
      reasoning: { enabled: true, effort: 'high' },
      responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
      passthrough: {
        dialect: 'openai-responses',
        fields: {
          store: false,
          include: ['reasoning.encrypted_content'],
          prompt_cache_key: 'session-1',
          previous_response_id: 'resp_prev',
          tools: [{ type: 'web_search' }],
          user: 'legacy-user',
          reasoning: { summary: 'auto' },
          text: { verbosity: 'low' },
        },
      },
    } satisfies ChatRequest);
  });

  it('keeps an unknown reasoning effort for passthrough instead of guessing', () => {
    const req = decodeResponsesRequest({ model: 'm', input: 'x', reasoning: { effort: 'ultra' } });
    expect(req.reasoning).toBeUndefined();
    expect(req.passthrough?.fields.reasoning).toStrictEqual({ effort: 'ultra' });
  });

  it('maps a named function tool_choice and keeps other forms for passthrough', () => {
    expect(
      decodeResponsesRequest({ model: 'm', input: 'x', tool_choice: { type: 'function', name: 'f' } })
        .toolChoice,
    ).toStrictEqual({ type: 'tool', name: 'f' });
    const other = { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'f' }] };
    const req = decodeResponsesRequest({ model: 'm', input: 'x', tool_choice: other });
    expect(req.toolChoice).toBeUndefined();
    expect(req.passthrough?.fields.tool_choice).toStrictEqual(other);
  });

  it('names the offending field of a malformed body', () => {
    expect(paramOf(() => decodeResponsesRequest('nope'))).toBeNull();
    expect(paramOf(() => decodeResponsesRequest({ input: 'x' }))).toBe('model');
    expect(paramOf(() => decodeResponsesRequest({ model: 'm', input: 42 }))).toBe('input');
    expect(
      paramOf(() => decodeResponsesRequest({ model: 'm', input: [{ type: 'function_call', name: 'f' }] })),
    ).toBe('input[0].call_id');
    expect(
      paramOf(() => decodeResponsesRequest({ model: 'm', input: [{ role: 'robot', content: 'x' }] })),
    ).toBe('input[0].role');
    expect(paramOf(() => decodeResponsesRequest({ model: 'm', input: [{ content: 'x' }] }))).toBe(
      'input[0].role',
    );
    expect(
      paramOf(() => decodeResponsesRequest({ model: 'm', input: 'x', tools: [{ type: 'function' }] })),
    ).toBe('tools[0].name');
    expect(paramOf(() => decodeResponsesRequest({ model: 'm', input: 'x', max_output_tokens: 'many' }))).toBe(
      'max_output_tokens',
    );
    expect(
      paramOf(() => decodeResponsesRequest({ model: 'm', input: 'x', text: { format: { type: 'yaml' } } })),
    ).toBe('text.format.type');
  });
});

describe('encodeResponsesRequest', () => {
  const base: ChatRequest = {
    model: 'gpt-5',
    system: [
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Use tools.' },
    ],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Need the tool.', signature: 'sig' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'tool_call', id: 'toolu_2', name: 'get_time', arguments: '' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Also this:' },
          { type: 'tool_result', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'sunny' }] },
          {
            type: 'tool_result',
            toolCallId: 'toolu_2',
            content: [
              { type: 'text', text: 'noon' },
              { type: 'image', source: { kind: 'url', url: 'https://x/clock.png' } },
            ],
          },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: 'AAA' } },
        ],
      },
    ],
    tools: [{ name: 'get_weather', parameters: { type: 'object', properties: {} } }],
    toolChoice: { type: 'tool', name: 'get_weather' },
    maxTokens: 1000,
    temperature: 0.3,
    stop: ['END'],
    stream: true,
    includeUsage: true,
    reasoning: { enabled: true, budgetTokens: 31999 },
    user: 'user_' + 'x'.repeat(100),
  };

  it('builds a Responses body, tool results first, reasoning dropped, store off', () => {
    expect(encodeResponsesRequest(base)).toStrictEqual({
      store: false,
      model: 'gpt-5',
      instructions: 'Be brief.\n\nUse tools.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Checking.', annotations: [] }],
        },
        { type: 'function_call', call_id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'toolu_2', name: 'get_time', arguments: '{}' },
        { type: 'function_call_output', call_id: 'toolu_1', output: 'sunny' },
        {
          type: 'function_call_output',
          call_id: 'toolu_2',
          output: [
            { type: 'input_text', text: 'noon' },
            { type: 'input_image', image_url: 'https://x/clock.png', detail: 'auto' },
          ],
        },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Also this:' },
            { type: 'input_image', image_url: 'data:image/jpeg;base64,AAA', detail: 'auto' },
          ],
        },
      ],
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          parameters: { type: 'object', properties: {} },
          strict: false,
        },
      ],
      tool_choice: { type: 'function', name: 'get_weather' },
      max_output_tokens: 1000,
      temperature: 0.3,
      reasoning: { effort: 'high' },
      stream: true,
    });
  });

  it('re-emits Responses passthrough and opaque items, merging canonical values over them', () => {
    const decoded = decodeResponsesRequest({
      model: 'gpt-5',
      input: [
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'enc' },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
      ],
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }, { type: 'web_search' }],
      reasoning: { effort: 'low', summary: 'detailed' },
      text: { verbosity: 'high' },
      store: true,
      include: ['reasoning.encrypted_content'],
      safety_identifier: 'u1',
    });
    expect(encodeResponsesRequest(decoded)).toStrictEqual({
      store: true,
      include: ['reasoning.encrypted_content'],
      model: 'gpt-5',
      input: [
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'enc' },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
      ],
      tools: [
        { type: 'function', name: 'f', parameters: { type: 'object' }, strict: false },
        { type: 'web_search' },
      ],
      reasoning: { summary: 'detailed', effort: 'low' },
      text: { verbosity: 'high' },
      safety_identifier: 'u1',
      stream: false,
    });
  });

  it('ignores passthrough of another dialect', () => {
    const body = encodeResponsesRequest({
      model: 'm',
      system: [],
      messages: [],
      stream: false,
      passthrough: { dialect: 'openai-chat', fields: { logprobs: true } },
    });
    expect(body).toStrictEqual({ store: false, model: 'm', input: [], stream: false });
  });
});
