import type { ChatResponse, FinishReason } from '../canonical/model';
import { readJsonFixture } from '../testing/fixtures';
import { decodeAnthropicResponse, encodeAnthropicResponse } from './response';
import { testContext } from './test-context';

function fixtureBody(): Record<string, unknown> {
  return (readJsonFixture('anthropic_messages_response_tool_use.json') as { body: Record<string, unknown> })
    .body;
}

function response(overrides: Partial<ChatResponse>): ChatResponse {
  return {
    id: 'resp1',
    model: 'gpt-4o',
    created: 1,
    content: [],
    finishReason: 'stop',
    usage: { inputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 0 },
    ...overrides,
  };
}

describe('decodeAnthropicResponse', () => {
  it('decodes the golden thinking + text + tool_use response', () => {
    expect(decodeAnthropicResponse(fixtureBody(), testContext())).toStrictEqual({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      model: 'claude-sonnet-4-5-20250929',
      created: 1735689600,
      content: [
        {
          type: 'reasoning',
          text: 'Need Tokyo weather; call get_weather.',
          signature: 'EqQBCkYIBxgCKkDanotherSyntheticSignature==',
        },
        { type: 'text', text: 'Checking Tokyo now.' },
        {
          type: 'tool_call',
          id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
          name: 'get_weather',
          arguments: '{"city":"Tokyo"}',
        },
      ],
      finishReason: 'tool_calls',
      stopSequence: null,
      usage: {
        inputTokens: 58,
        cacheReadTokens: 1024,
        cacheWriteTokens: 0,
        outputTokens: 89,
        reasoningTokens: 0,
      },
    });
  });

  it('keeps server-tool blocks opaque and reads redacted thinking, stop sequences and thinking tokens', () => {
    const serverUse = {
      type: 'server_tool_use',
      id: 'srvtoolu_1',
      name: 'web_search',
      input: { query: 'q' },
    };
    const res = decodeAnthropicResponse(
      {
        id: 'msg_1',
        model: 'claude-x',
        content: [{ type: 'redacted_thinking', data: 'r==' }, serverUse],
        stop_reason: 'stop_sequence',
        stop_sequence: 'END',
        usage: { input_tokens: 3, output_tokens: 9, output_tokens_details: { thinking_tokens: 4 } },
      },
      testContext(),
    );
    expect(res.content).toEqual([
      { type: 'reasoning', text: '', redacted: 'r==' },
      { type: 'opaque', dialect: 'anthropic', value: serverUse },
    ]);
    expect(res.finishReason).toBe('stop_sequence');
    expect(res.stopSequence).toBe('END');
    expect(res.usage).toEqual({
      inputTokens: 3,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 9,
      reasoningTokens: 4,
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['pause_turn', 'pause_turn'],
    ['refusal', 'refusal'],
    ['model_context_window_exceeded', 'context_window_exceeded'],
    ['something_new', 'stop'],
  ])('maps stop_reason %s to %s', (stopReason, finish) => {
    expect(decodeAnthropicResponse({ stop_reason: stopReason }, testContext()).finishReason).toBe(finish);
  });

  it('rejects a body that is not an object', () => {
    expect(() => decodeAnthropicResponse('oops', testContext())).toThrow('not a JSON object');
  });
});

describe('encodeAnthropicResponse', () => {
  it('produces the golden Anthropic body for the OpenAI tool-call response', () => {
    const golden = (readJsonFixture('xlate_anthropic_request_to_openai.json') as Record<string, unknown>)
      .expected_anthropic_response_from_openai_fixture as Record<string, unknown>;
    // The canonical response the OpenAI decoder makes of openai_chat_response_tool_calls.json.
    const canonical: ChatResponse = {
      id: 'chatcmpl-9xAbCdEfGhIjKlMn',
      model: 'gpt-4o-2024-08-06',
      created: 1735689600,
      content: [
        { type: 'tool_call', id: 'call_AbC123', name: 'get_weather', arguments: '{"city": "Paris"}' },
        { type: 'tool_call', id: 'call_DeF456', name: 'get_weather', arguments: '{"city": "Tokyo"}' },
      ],
      finishReason: 'tool_calls',
      usage: {
        inputTokens: 54,
        cacheReadTokens: 128,
        cacheWriteTokens: 0,
        outputTokens: 36,
        reasoningTokens: 0,
      },
    };
    const expected = Object.fromEntries(Object.entries(golden).filter(([k]) => !k.startsWith('_')));
    expect(encodeAnthropicResponse(canonical, testContext('claude-sonnet-4-5-20250929'))).toStrictEqual(
      expected,
    );
  });

  it('round-trips the golden Anthropic response (four usage fields)', () => {
    const body = fixtureBody();
    const out = encodeAnthropicResponse(decodeAnthropicResponse(body, testContext()), testContext());
    expect(out).toStrictEqual({
      ...body,
      usage: {
        input_tokens: 58,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 1024,
        output_tokens: 89,
      },
    });
  });

  it('writes unsigned reasoning with an empty signature, skips empty text, parses arguments', () => {
    const out = encodeAnthropicResponse(
      response({
        id: 'msg_keep',
        content: [
          { type: 'reasoning', text: 'hmm' },
          { type: 'text', text: '' },
          { type: 'tool_call', id: 'functions.get:0', name: 'get', arguments: '' },
          { type: 'tool_call', id: 'b', name: 'get', arguments: '{oops' },
          { type: 'opaque', dialect: 'gemini', value: { x: 1 } },
        ],
        finishReason: 'stop',
      }),
      testContext('claude-opus-4-5'),
    );
    expect(out).toMatchObject({
      id: 'msg_keep',
      model: 'claude-opus-4-5',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: '' },
        { type: 'tool_use', id: 'functions_get_0', name: 'get', input: {} },
        { type: 'tool_use', id: 'b', name: 'get', input: { raw: '{oops' } },
      ],
      // Tool calls were made: `stop` (Gemini/Ollama) becomes tool_use.
      stop_reason: 'tool_use',
    });
    expect((out.content as unknown[]).length).toBe(3);
  });

  it.each<[FinishReason, string]>([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['content_filter', 'refusal'],
    ['refusal', 'refusal'],
    ['pause_turn', 'pause_turn'],
    ['context_window_exceeded', 'model_context_window_exceeded'],
  ])('maps finish %s to stop_reason %s', (finishReason, stopReason) => {
    expect(encodeAnthropicResponse(response({ finishReason }), testContext()).stop_reason).toBe(stopReason);
  });

  it('reports a matched stop sequence and turns a refusal into text', () => {
    const stopped = encodeAnthropicResponse(
      response({ finishReason: 'stop', stopSequence: 'END' }),
      testContext(),
    );
    expect(stopped).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
    const refused = encodeAnthropicResponse(response({ refusal: 'I cannot help with that.' }), testContext());
    expect(refused).toMatchObject({
      id: 'msg_resp1',
      content: [{ type: 'text', text: 'I cannot help with that.' }],
      stop_reason: 'refusal',
      stop_sequence: null,
    });
  });
});
