import type { StreamEvent } from '../canonical/model';
import { SseParser } from '../sse/sse-parser';
import type { SseEvent } from '../sse/sse-parser';
import { readFixture } from '../testing/fixtures';
import { createOpenAIChatStreamDecoder } from './stream-decoder';
import { testContext } from './testing';

function decodeAll(events: SseEvent[], toolNames?: ReadonlyMap<string, string>): StreamEvent[] {
  const decoder = createOpenAIChatStreamDecoder(testContext(), toolNames ? { toolNames } : {});
  return [...events.flatMap((e) => decoder.push(e)), ...decoder.end()];
}

function decodeText(text: string): StreamEvent[] {
  const parser = new SseParser();
  return decodeAll([...parser.push(text), ...parser.end()]);
}

/** SSE events for chunk objects (each gets the same id/model). */
function chunks(...objects: Array<Record<string, unknown>>): SseEvent[] {
  return objects.map((o) => ({
    data: JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 9, model: 'm', ...o }),
  }));
}

function choice(delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> {
  return { choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

const START: StreamEvent = { type: 'start', id: 'c1', model: 'm', created: 9 };

describe('createOpenAIChatStreamDecoder', () => {
  it('decodes the golden text stream with usage', () => {
    expect(decodeText(readFixture('openai_chat_stream_text_usage.sse'))).toEqual([
      { type: 'start', id: 'chatcmpl-9xTxT0001', model: 'gpt-4o-2024-08-06', created: 1735689600 },
      { type: 'text', text: 'Paris' },
      { type: 'text', text: ' is' },
      { type: 'text', text: ' 18' },
      { type: 'text', text: '°C' },
      { type: 'text', text: ' and clear.' },
      { type: 'finish', reason: 'stop' },
      {
        type: 'usage',
        usage: {
          inputTokens: 41,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 7,
          reasoningTokens: 0,
        },
      },
    ]);
  });

  it('decodes the golden tool-call stream', () => {
    expect(decodeText(readFixture('openai_chat_stream_tool_calls.sse'))).toEqual([
      { type: 'start', id: 'chatcmpl-9xTool0002', model: 'gpt-4o-2024-08-06', created: 1735689600 },
      { type: 'tool_call_start', index: 0, id: 'call_AbC123', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, arguments: '{"ci' },
      { type: 'tool_call_delta', index: 0, arguments: 'ty": "Par' },
      { type: 'tool_call_delta', index: 0, arguments: 'is"}' },
      { type: 'tool_call_start', index: 1, id: 'call_DeF456', name: 'get_weather' },
      { type: 'tool_call_delta', index: 1, arguments: '{"city":' },
      { type: 'tool_call_delta', index: 1, arguments: ' "Tokyo"}' },
      { type: 'finish', reason: 'tool_calls' },
      {
        type: 'usage',
        usage: {
          inputTokens: 54,
          cacheReadTokens: 128,
          cacheWriteTokens: 0,
          outputTokens: 36,
          reasoningTokens: 0,
        },
      },
    ]);
  });

  it('handles reasoning deltas, content and finish in one chunk, and ignores data after [DONE]', () => {
    const events = decodeAll([
      ...chunks(
        choice({ role: 'assistant', reasoning_content: 'let me' }),
        choice({ reasoning: ' think' }),
        choice({ content: 'Done.' }, 'stop'),
      ),
      { data: '[DONE]' },
      ...chunks(choice({ content: 'late' })),
    ]);
    expect(events).toEqual([
      START,
      { type: 'reasoning', text: 'let me' },
      { type: 'reasoning', text: ' think' },
      { type: 'text', text: 'Done.' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('accepts whole tool calls in one chunk, interleaved fragments and a stop finish', () => {
    const events = decodeAll(
      chunks(
        choice({
          tool_calls: [
            { index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":' } },
            { index: 1, id: 'b', type: 'function', function: { name: 'g_12345678', arguments: '{}' } },
          ],
        }),
        choice({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
        choice({}, 'stop'),
      ),
      new Map([['g_12345678', 'g.long']]),
    );
    expect(events).toEqual([
      START,
      { type: 'tool_call_start', index: 0, id: 'a', name: 'f' },
      { type: 'tool_call_delta', index: 0, arguments: '{"x":' },
      { type: 'tool_call_start', index: 1, id: 'b', name: 'g.long' },
      { type: 'tool_call_delta', index: 1, arguments: '{}' },
      { type: 'tool_call_delta', index: 0, arguments: '1}' },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('starts a new call when a new id reuses an index, and waits for a late name', () => {
    const events = decodeAll(
      chunks(
        choice({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{}' } }] }),
        choice({ tool_calls: [{ index: 0, id: 'b', function: { arguments: '{"y"' } }] }),
        choice({ tool_calls: [{ index: 0, function: { name: 'g', arguments: ':2}' } }] }),
        choice({}, 'tool_calls'),
      ),
    );
    expect(events).toEqual([
      START,
      { type: 'tool_call_start', index: 0, id: 'a', name: 'f' },
      { type: 'tool_call_delta', index: 0, arguments: '{}' },
      { type: 'tool_call_start', index: 1, id: 'b', name: 'g' },
      { type: 'tool_call_delta', index: 1, arguments: '{"y":2}' },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('turns a mid-stream error object into an error event and stops', () => {
    const events = decodeAll([
      ...chunks(choice({ role: 'assistant', content: 'Hi' })),
      {
        data: '{"error":{"message":"The server had an error.","type":"server_error","param":null,"code":null}}',
      },
      ...chunks(choice({ content: 'more' })),
    ]);
    expect(events).toEqual([
      START,
      { type: 'text', text: 'Hi' },
      { type: 'error', error: { status: 500, message: 'The server had an error.', type: 'server_error' } },
    ]);
  });

  it('maps rate-limit errors to 429', () => {
    const events = decodeAll([
      { data: '{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}' },
    ]);
    expect(events).toEqual([
      { type: 'error', error: { status: 429, message: 'slow down', type: 'requests' } },
    ]);
  });

  it('synthesizes a finish when the stream ends without one, and errors on an empty body', () => {
    expect(decodeAll(chunks(choice({ content: 'cut' })))).toEqual([
      START,
      { type: 'text', text: 'cut' },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(decodeAll([])).toEqual([
      {
        type: 'error',
        error: {
          status: 502,
          message: 'The upstream stream ended without a response.',
          type: 'server_error',
        },
      },
    ]);
  });

  it('reads usage on the finish chunk and vLLM stop strings, ignoring other choices', () => {
    const events = decodeAll(
      chunks(
        { choices: [{ index: 1, delta: { content: 'other choice' }, finish_reason: null }] },
        {
          choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop', stop_reason: '###' }],
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        },
      ),
    );
    expect(events).toEqual([
      START,
      { type: 'text', text: 'x' },
      { type: 'finish', reason: 'stop_sequence', stopSequence: '###' },
      {
        type: 'usage',
        usage: {
          inputTokens: 3,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 1,
          reasoningTokens: 0,
        },
      },
    ]);
  });
});
