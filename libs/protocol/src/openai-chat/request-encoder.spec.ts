import { createHash } from 'node:crypto';
import type { ChatRequest } from '../canonical/model';
import { readJsonFixture } from '../testing/fixtures';
import { decodeOpenAIChatRequest } from './request';
import { encodeOpenAIChatRequest, reasoningEffortFor } from './request-encoder';
import { openAIToolCallId } from './request-encoder-messages';
import { openAIToolName, openAIToolNameMap, restoreToolName } from './tool-names';

const OPENAI = { maxTokensField: 'max_completion_tokens', streamUsage: true } as const;

/** Tool-call arguments parsed, so JSON spacing differences do not matter (fixtures README). */
function normalize(body: Record<string, unknown>): unknown {
  return JSON.parse(
    JSON.stringify(body, (key, value: unknown) =>
      key === 'arguments' && typeof value === 'string' ? (JSON.parse(value) as unknown) : value,
    ),
  );
}

/** The canonical request the Anthropic decoder produces for anthropic_messages_request_tools.json. */
function claudeCodeRequest(): ChatRequest {
  return {
    model: 'gpt-4o-2024-08-06',
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
    maxTokens: 4096,
    reasoning: { enabled: true, budgetTokens: 2048 },
    stop: ['\n\nHuman:'],
    temperature: 1,
    stream: true,
    user: 'user_5dd07c33_account__session_d2e70091-3007-41a3-a916-cb8b0d3098de',
    passthrough: { dialect: 'anthropic', fields: { metadata: { user_id: 'x' } } },
  };
}

function simpleRequest(extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'm',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    stream: false,
    ...extra,
  };
}

describe('encodeOpenAIChatRequest', () => {
  it('produces the golden xlate expected_openai_body', () => {
    const fixture = readJsonFixture('xlate_anthropic_request_to_openai.json') as {
      expected_openai_body: Record<string, unknown>;
    };
    const body = encodeOpenAIChatRequest(claudeCodeRequest(), OPENAI);
    expect(normalize(body)).toEqual(normalize(fixture.expected_openai_body));
  });

  it('strips the Claude Code billing header and joins system blocks', () => {
    const body = encodeOpenAIChatRequest(
      simpleRequest({
        system: [
          {
            type: 'text',
            text: 'x-anthropic-billing-header: cc_version=2.1.48; cc_entrypoint=cli; cch=abc;',
          },
          { type: 'text', text: 'You are Claude Code.' },
          { type: 'text', text: '' },
          { type: 'text', text: 'Be brief.' },
        ],
      }),
      OPENAI,
    );
    expect((body.messages as unknown[])[0]).toEqual({
      role: 'system',
      content: 'You are Claude Code.\n\nBe brief.',
    });
  });

  it('puts tool results before the rest of the turn, images of tool results in a following user message', () => {
    const body = encodeOpenAIChatRequest(
      simpleRequest({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              {
                type: 'tool_result',
                toolCallId: 'c1',
                content: [
                  { type: 'text', text: 'shot' },
                  { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
                ],
              },
              {
                type: 'tool_result',
                toolCallId: 'c2',
                content: [{ type: 'text', text: 'boom' }],
                isError: true,
              },
            ],
          },
          { role: 'system', content: [{ type: 'text', text: 'reminder' }] },
        ],
      }),
      OPENAI,
    );
    expect(body.messages).toEqual([
      { role: 'tool', tool_call_id: 'c1', content: 'shot' },
      { role: 'tool', tool_call_id: 'c2', content: 'Error: boom' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'text', text: 'look' },
        ],
      },
      { role: 'system', content: 'reminder' },
    ]);
  });

  it('shortens long tool names deterministically and maps them back', () => {
    const long = 'mcp__a_very_long_server_name_for_testing__and_an_even_longer_tool_name_here';
    expect(long.length).toBeGreaterThan(64);
    const hash = createHash('sha256').update(long).digest('hex').slice(0, 8);
    const short = openAIToolName(long);
    expect(short).toBe(`${long.slice(0, 55)}_${hash}`);
    expect(short).toHaveLength(64);
    expect(openAIToolName('get_weather')).toBe('get_weather');
    expect(openAIToolName('ns.tool:x')).toMatch(/^ns_tool_x_[0-9a-f]{8}$/);

    const req = simpleRequest({
      tools: [{ name: long, parameters: { type: 'object' } }],
      toolChoice: { type: 'tool', name: long },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'go' }] },
        { role: 'assistant', content: [{ type: 'tool_call', id: 'c', name: long, arguments: '' }] },
      ],
    });
    const body = encodeOpenAIChatRequest(req, OPENAI);
    expect(body.tools).toEqual([
      { type: 'function', function: { name: short, parameters: { type: 'object' } } },
    ]);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: short } });
    expect((body.messages as unknown[])[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c', type: 'function', function: { name: short, arguments: '{}' } }],
    });
    const map = openAIToolNameMap(req.tools);
    expect(restoreToolName(short, map)).toBe(long);
    expect(restoreToolName('other', map)).toBe('other');
  });

  it('shortens tool-call ids over 40 characters the same way on both sides', () => {
    const id = 'functions.Bash:0_with_a_very_long_suffix_over_forty';
    const short = openAIToolCallId(id);
    expect(short).toHaveLength(40);
    const body = encodeOpenAIChatRequest(
      simpleRequest({
        messages: [
          { role: 'assistant', content: [{ type: 'tool_call', id, name: 'Bash', arguments: '{}' }] },
          { role: 'user', content: [{ type: 'tool_result', toolCallId: id, content: [] }] },
        ],
      }),
      OPENAI,
    );
    const messages = body.messages as Array<Record<string, unknown>>;
    expect((messages[0]?.tool_calls as Array<Record<string, unknown>>)[0]?.id).toBe(short);
    expect(messages[1]).toEqual({ role: 'tool', tool_call_id: short, content: '' });
  });

  it('applies the field rules: max tokens field, stop limit, user length, stream options', () => {
    const body = encodeOpenAIChatRequest(
      simpleRequest({
        maxTokens: 100,
        stop: ['a', 'b', 'c', 'd', 'e'],
        user: 'short-user',
        stream: true,
        topK: 5,
        toolChoice: { type: 'auto' },
        parallelToolCalls: false,
      }),
      { maxTokensField: 'max_tokens', streamUsage: false },
    );
    expect(body).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 100,
      stop: ['a', 'b', 'c', 'd'],
      user: 'short-user',
      stream: true,
    });
    const nonStream = encodeOpenAIChatRequest(simpleRequest(), OPENAI);
    expect(nonStream.stream).toBe(false);
    expect(nonStream.stream_options).toBeUndefined();
  });

  it('re-emits passthrough fields only for its own dialect', () => {
    const decoded = decodeOpenAIChatRequest({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true, include_obfuscation: false },
      logprobs: true,
      service_tier: 'flex',
    });
    const body = encodeOpenAIChatRequest(decoded, OPENAI);
    expect(body.logprobs).toBe(true);
    expect(body.service_tier).toBe('flex');
    expect(body.stream_options).toEqual({ include_obfuscation: false, include_usage: true });

    const foreign = encodeOpenAIChatRequest(
      simpleRequest({ passthrough: { dialect: 'anthropic', fields: { context_management: {} } } }),
      OPENAI,
    );
    expect(foreign.context_management).toBeUndefined();
  });

  it('round-trips a decoded OpenAI request', () => {
    const fixture = readJsonFixture('openai_chat_request_tools.json') as { body: Record<string, unknown> };
    const body = encodeOpenAIChatRequest(decodeOpenAIChatRequest(fixture.body), OPENAI);
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are a terse weather assistant.\n\nAlways use metric units.' },
      (fixture.body.messages as unknown[])[2],
      (fixture.body.messages as unknown[])[3],
      (fixture.body.messages as unknown[])[4],
      (fixture.body.messages as unknown[])[5],
    ]);
    expect(body.tools).toEqual(fixture.body.tools);
    expect(body.user).toBe('user-1234');
    expect(body.max_completion_tokens).toBe(1024);
  });

  it('maps thinking budgets to reasoning_effort buckets', () => {
    expect(reasoningEffortFor({ enabled: true, budgetTokens: 31999 })).toBe('high');
    expect(reasoningEffortFor({ enabled: true, budgetTokens: 4096 })).toBe('high');
    expect(reasoningEffortFor({ enabled: true, budgetTokens: 2048 })).toBe('medium');
    expect(reasoningEffortFor({ enabled: true, budgetTokens: 1024 })).toBe('low');
    expect(reasoningEffortFor({ enabled: true, budgetTokens: 512 })).toBe('minimal');
    expect(reasoningEffortFor({ enabled: true, adaptive: true })).toBe('medium');
    expect(reasoningEffortFor({ enabled: true, adaptive: true, effort: 'xhigh' })).toBe('xhigh');
    expect(reasoningEffortFor({ enabled: false })).toBeUndefined();
    expect(reasoningEffortFor({ enabled: false, effort: 'none' })).toBe('none');
    expect(reasoningEffortFor(undefined)).toBeUndefined();
  });

  it('encodes documents, URL images and response formats', () => {
    const body = encodeOpenAIChatRequest(
      simpleRequest({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'document', source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBE' } },
              { type: 'image', source: { kind: 'url', url: 'https://x/y.png' }, detail: 'high' },
            ],
          },
        ],
        responseFormat: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
      }),
      OPENAI,
    );
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'file', file: { filename: 'document.pdf', file_data: 'data:application/pdf;base64,JVBE' } },
          { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'high' } },
        ],
      },
    ]);
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'out', schema: { type: 'object' }, strict: true },
    });
  });
});
