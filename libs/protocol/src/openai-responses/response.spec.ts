import type { ChatRequest, ChatResponse } from '../canonical/model';
import { ProtocolError } from '../errors';
import { readJsonFixture } from '../testing/fixtures';
import { testContext } from './__fixtures__/context';
import { decodeResponsesRequest } from './request-decode';
import { decodeResponsesResponse } from './response-decode';
import { encodeResponsesResponse } from './response-encode';

const request: ChatRequest = decodeResponsesRequest({
  model: 'gpt-5',
  instructions: 'Be brief.',
  input: 'Weather in Paris?',
  tools: [
    { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: true },
  ],
  max_output_tokens: 512,
  reasoning: { effort: 'low', summary: 'auto' },
  metadata: { team: 'a' },
});

const response: ChatResponse = {
  id: 'msg_01abc',
  model: 'claude-sonnet-4-5',
  created: 1741294021,
  content: [
    { type: 'reasoning', text: 'User wants weather.', signature: 'sig' },
    { type: 'text', text: 'Let me check.' },
    { type: 'text', text: ' One moment.' },
    { type: 'tool_call', id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Paris"}' },
  ],
  finishReason: 'tool_calls',
  usage: {
    inputTokens: 20,
    cacheReadTokens: 100,
    cacheWriteTokens: 5,
    outputTokens: 40,
    reasoningTokens: 12,
  },
};

describe('encodeResponsesResponse', () => {
  it('builds a complete response object', () => {
    const body = encodeResponsesResponse(response, testContext('my-gpt'), { request });
    expect(body).toStrictEqual({
      id: 'resp_1',
      object: 'response',
      created_at: 1741294021,
      status: 'completed',
      background: false,
      error: null,
      incomplete_details: null,
      instructions: 'Be brief.',
      max_output_tokens: 512,
      max_tool_calls: null,
      model: 'my-gpt',
      output: [
        { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'User wants weather.' }] },
        {
          id: 'msg_1',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [
            { type: 'output_text', annotations: [], logprobs: [], text: 'Let me check.' },
            { type: 'output_text', annotations: [], logprobs: [], text: ' One moment.' },
          ],
        },
        {
          id: 'fc_1',
          type: 'function_call',
          status: 'completed',
          arguments: '{"city":"Paris"}',
          call_id: 'toolu_01',
          name: 'get_weather',
        },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      prompt_cache_key: null,
      reasoning: { effort: 'low', summary: 'auto' },
      safety_identifier: null,
      service_tier: 'default',
      store: false,
      temperature: 1,
      text: { format: { type: 'text' }, verbosity: 'medium' },
      tool_choice: 'auto',
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          parameters: { type: 'object', properties: {} },
          strict: true,
        },
      ],
      top_logprobs: 0,
      top_p: 1,
      truncation: 'disabled',
      usage: {
        input_tokens: 125,
        input_tokens_details: { cached_tokens: 100 },
        output_tokens: 40,
        output_tokens_details: { reasoning_tokens: 12 },
        total_tokens: 165,
      },
      metadata: { team: 'a' },
    });
  });

  it('reports a length stop as incomplete with max_output_tokens', () => {
    const body = encodeResponsesResponse(
      { ...response, content: [{ type: 'text', text: 'Partial' }], finishReason: 'length' },
      testContext(),
      { request },
    );
    expect(body.status).toBe('incomplete');
    expect(body.incomplete_details).toStrictEqual({ reason: 'max_output_tokens' });
    expect(body.output).toStrictEqual([
      {
        id: 'msg_1',
        type: 'message',
        status: 'incomplete',
        role: 'assistant',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Partial' }],
      },
    ]);
  });

  it('keeps a Responses upstream id, emits opaque items verbatim and a refusal part', () => {
    const encrypted = { type: 'reasoning', id: 'rs_up', summary: [], encrypted_content: 'enc' };
    const body = encodeResponsesResponse(
      {
        ...response,
        id: 'resp_upstream',
        content: [
          { type: 'reasoning', text: 'hidden' },
          { type: 'opaque', dialect: 'openai-responses', value: encrypted },
          { type: 'opaque', dialect: 'anthropic', value: { type: 'server_tool_use' } },
        ],
        refusal: 'I cannot help with that.',
        finishReason: 'refusal',
      },
      testContext(),
      { request },
    );
    expect(body.id).toBe('resp_upstream');
    expect(body.status).toBe('completed');
    expect(body.output).toStrictEqual([
      encrypted,
      {
        id: 'msg_1',
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'refusal', refusal: 'I cannot help with that.' }],
      },
    ]);
  });
});

describe('decodeResponsesResponse', () => {
  it('decodes the minimal golden response', () => {
    const fx = readJsonFixture('errors_models_misc.json') as { openai: { responses_response_min: unknown } };
    expect(decodeResponsesResponse(fx.openai.responses_response_min, testContext())).toStrictEqual({
      id: 'resp_abc123',
      model: 'gpt-5',
      created: 1741294021,
      content: [{ type: 'tool_call', id: 'call_xyz789', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      finishReason: 'tool_calls',
      usage: {
        inputTokens: 61,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 20,
        reasoningTokens: 0,
      },
    } satisfies ChatResponse);
  });

  it('is the reverse of the encoder', () => {
    const ctx = testContext('gpt-5');
    const encoded = encodeResponsesResponse(response, ctx, { request });
    const decoded = decodeResponsesResponse(encoded, ctx);
    expect(decoded).toStrictEqual({
      ...response,
      id: 'resp_1',
      model: 'gpt-5',
      // The reasoning signature is Anthropic's and does not survive; cache writes fold into input.
      content: [
        { type: 'reasoning', text: 'User wants weather.' },
        { type: 'text', text: 'Let me check.' },
        { type: 'text', text: ' One moment.' },
        { type: 'tool_call', id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ],
      usage: {
        inputTokens: 25,
        cacheReadTokens: 100,
        cacheWriteTokens: 0,
        outputTokens: 40,
        reasoningTokens: 12,
      },
    });
  });

  it('maps incomplete, refusal and failed responses', () => {
    const ctx = testContext();
    const incomplete = decodeResponsesResponse(
      { id: 'resp_1', status: 'incomplete', incomplete_details: { reason: 'content_filter' }, output: [] },
      ctx,
    );
    expect(incomplete.finishReason).toBe('content_filter');
    const refused = decodeResponsesResponse(
      {
        id: 'resp_2',
        status: 'completed',
        output: [{ type: 'message', content: [{ type: 'refusal', refusal: 'No.' }] }],
      },
      ctx,
    );
    expect(refused.refusal).toBe('No.');
    expect(refused.finishReason).toBe('refusal');
    expect(() =>
      decodeResponsesResponse({ status: 'failed', error: { code: 'server_error', message: 'boom' } }, ctx),
    ).toThrow(ProtocolError);
  });
});
