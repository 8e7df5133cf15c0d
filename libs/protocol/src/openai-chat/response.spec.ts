import type { ChatResponse } from '../canonical/model';
import { ProtocolError } from '../errors';
import { readJsonFixture } from '../testing/fixtures';
import { decodeOpenAIChatResponse, encodeOpenAIChatResponse } from './response';
import { testContext } from './testing';

function fixtureBody(): Record<string, unknown> {
  return (readJsonFixture('openai_chat_response_tool_calls.json') as { body: Record<string, unknown> }).body;
}

const DECODED: ChatResponse = {
  id: 'chatcmpl-9xAbCdEfGhIjKlMn',
  model: 'gpt-4o-2024-08-06',
  created: 1735689600,
  content: [
    { type: 'tool_call', id: 'call_AbC123', name: 'get_weather', arguments: '{"city": "Paris"}' },
    { type: 'tool_call', id: 'call_DeF456', name: 'get_weather', arguments: '{"city": "Tokyo"}' },
  ],
  finishReason: 'tool_calls',
  usage: { inputTokens: 54, cacheReadTokens: 128, cacheWriteTokens: 0, outputTokens: 36, reasoningTokens: 0 },
};

describe('decodeOpenAIChatResponse', () => {
  it('decodes the golden tool-call response (prompt tokens include cached ones)', () => {
    expect(decodeOpenAIChatResponse(fixtureBody(), testContext())).toEqual(DECODED);
  });

  it('reads reasoning, text, refusal, cache writes and forces tool_calls when calls came with stop', () => {
    const res = decodeOpenAIChatResponse(
      {
        id: 'x',
        created: 5,
        model: 'deepseek-reasoner',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              reasoning_content: 'think',
              content: 'answer',
              refusal: 'no',
              tool_calls: [{ type: 'function', function: { name: 'f_12345678', arguments: { a: 1 } } }],
            },
            finish_reason: 'stop',
          },
        ],
        usage: {
          prompt_tokens: 100,
          completion_tokens: 20,
          total_tokens: 120,
          prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 10 },
          completion_tokens_details: { reasoning_tokens: 5 },
        },
      },
      testContext(),
      { toolNames: new Map([['f_12345678', 'original.name']]) },
    );
    expect(res).toEqual({
      id: 'x',
      model: 'deepseek-reasoner',
      created: 5,
      content: [
        { type: 'reasoning', text: 'think' },
        { type: 'text', text: 'answer' },
        { type: 'tool_call', id: 'call_gen1', name: 'original.name', arguments: '{"a":1}' },
      ],
      finishReason: 'tool_calls',
      refusal: 'no',
      usage: {
        inputTokens: 60,
        cacheReadTokens: 30,
        cacheWriteTokens: 10,
        outputTokens: 20,
        reasoningTokens: 5,
      },
    });
  });

  it('maps finish reasons, Ollama-style reasoning and missing fields', () => {
    const ctx = testContext('client-model');
    const res = decodeOpenAIChatResponse(
      { choices: [{ message: { content: 'x', reasoning: 'r' }, finish_reason: 'length' }] },
      ctx,
    );
    expect(res.finishReason).toBe('length');
    expect(res.content).toEqual([
      { type: 'reasoning', text: 'r' },
      { type: 'text', text: 'x' },
    ]);
    expect(res.id).toBe('chatcmpl-gen1');
    expect(res.model).toBe('client-model');
    expect(res.created).toBe(1735689600);
    expect(res.usage).toEqual({
      inputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
    expect(
      decodeOpenAIChatResponse({ choices: [{ message: {}, finish_reason: 'content_filter' }] }, ctx)
        .finishReason,
    ).toBe('content_filter');
    const vllm = decodeOpenAIChatResponse(
      { choices: [{ message: { content: 'a' }, finish_reason: 'stop', stop_reason: 'END' }] },
      ctx,
    );
    expect(vllm.finishReason).toBe('stop_sequence');
    expect(vllm.stopSequence).toBe('END');
  });

  it('throws on a non-object body or an error body', () => {
    expect(() => decodeOpenAIChatResponse('nope', testContext())).toThrow(ProtocolError);
    expect(() => decodeOpenAIChatResponse({ error: { message: 'bad' } }, testContext())).toThrow('bad');
  });
});

describe('encodeOpenAIChatResponse', () => {
  it('re-encodes the golden response with every required field', () => {
    const fixture = fixtureBody();
    const body = encodeOpenAIChatResponse(DECODED, testContext('gpt-4o-2024-08-06'));
    const { system_fingerprint: _fp, service_tier: _tier, ...required } = fixture;
    expect(body).toEqual(required);
  });

  it('echoes the client model, prefixes foreign ids and writes reasoning_content and cache usage', () => {
    const body = encodeOpenAIChatResponse(
      {
        id: 'msg_01',
        model: 'claude-sonnet-4-5',
        created: 7,
        content: [
          { type: 'reasoning', text: 'hmm', signature: 'sig' },
          { type: 'text', text: 'Hello' },
          { type: 'text', text: ' world' },
        ],
        finishReason: 'stop_sequence',
        stopSequence: 'X',
        usage: {
          inputTokens: 10,
          cacheReadTokens: 20,
          cacheWriteTokens: 30,
          outputTokens: 4,
          reasoningTokens: 2,
        },
      },
      testContext('my-alias'),
    );
    expect(body).toEqual({
      id: 'chatcmpl-msg_01',
      object: 'chat.completion',
      created: 7,
      model: 'my-alias',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello world',
            refusal: null,
            reasoning_content: 'hmm',
            annotations: [],
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 60,
        completion_tokens: 4,
        total_tokens: 64,
        prompt_tokens_details: { cached_tokens: 20, audio_tokens: 0, cache_write_tokens: 30 },
        completion_tokens_details: {
          reasoning_tokens: 2,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
    });
  });

  it('writes an empty string content without tool calls, and maps refusal to content_filter', () => {
    const body = encodeOpenAIChatResponse(
      {
        id: 'chatcmpl-1',
        model: 'm',
        created: 1,
        content: [],
        finishReason: 'refusal',
        usage: DECODED.usage,
      },
      testContext(),
    );
    const choice = (body.choices as Array<Record<string, unknown>>)[0];
    expect(choice?.message).toEqual({ role: 'assistant', content: '', refusal: null, annotations: [] });
    expect(choice?.finish_reason).toBe('content_filter');
  });
});
