import type { StreamEvent, Usage } from '../canonical/model';
import { SseParser, type SseEvent } from '../sse/sse-parser';
import { readFixture } from '../testing/fixtures';
import { createAnthropicStreamDecoder } from './stream-decoder';
import { createAnthropicStreamEncoder, type AnthropicStreamEncoderOptions } from './stream-encoder';
import { anthropicStreamViolations } from './stream-grammar';
import { testContext } from './test-context';

interface Parsed {
  event: string | undefined;
  data: Record<string, unknown>;
}

function parseSse(text: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()];
}

function toParsed(events: SseEvent[]): Parsed[] {
  return events.map((e) => ({ event: e.event, data: JSON.parse(e.data) as Record<string, unknown> }));
}

function encode(events: StreamEvent[], clientModel?: string, opts?: AnthropicStreamEncoderOptions): string {
  const encoder = createAnthropicStreamEncoder(testContext(clientModel), opts);
  return events.map((e) => encoder.push(e)).join('') + encoder.end();
}

/** Encode, check the grammar, return parsed events. */
function run(events: StreamEvent[], clientModel?: string, opts?: AnthropicStreamEncoderOptions): Parsed[] {
  const sse = parseSse(encode(events, clientModel, opts));
  expect(anthropicStreamViolations(sse)).toEqual([]);
  return toParsed(sse);
}

/** Tool arguments per block index, concatenated. */
function toolArgs(events: Parsed[]): Record<string, { id: unknown; name: unknown; args: string }> {
  const out: Record<string, { id: unknown; name: unknown; args: string }> = {};
  for (const { data } of events) {
    const block = data.content_block as Record<string, unknown> | undefined;
    if (data.type === 'content_block_start' && block?.type === 'tool_use') {
      out[String(data.index)] = { id: block.id, name: block.name, args: '' };
    }
    const delta = data.delta as Record<string, unknown> | undefined;
    if (data.type === 'content_block_delta' && delta?.type === 'input_json_delta') {
      const entry = out[String(data.index)];
      if (entry) entry.args += String(delta.partial_json);
    }
  }
  return out;
}

const names = (events: Parsed[]): Array<string | undefined> => events.map((e) => e.event);
const start: StreamEvent = { type: 'start', id: 'up1', model: 'gpt-4o' };
const fullUsage: Usage = {
  inputTokens: 54,
  cacheReadTokens: 128,
  cacheWriteTokens: 0,
  outputTokens: 36,
  reasoningTokens: 0,
};

describe('createAnthropicStreamEncoder', () => {
  it('re-frames the OpenAI tool-call stream exactly as the golden expectation', () => {
    // The canonical events the OpenAI decoder makes of openai_chat_stream_tool_calls.sse.
    const events: StreamEvent[] = [
      { type: 'start', id: 'chatcmpl-9xTool0002', model: 'gpt-4o-2024-08-06', created: 1735689600 },
      { type: 'tool_call_start', index: 0, id: 'call_AbC123', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, arguments: '' },
      { type: 'tool_call_delta', index: 0, arguments: '{"ci' },
      { type: 'tool_call_delta', index: 0, arguments: 'ty": "Par' },
      { type: 'tool_call_delta', index: 0, arguments: 'is"}' },
      { type: 'tool_call_start', index: 1, id: 'call_DeF456', name: 'get_weather' },
      { type: 'tool_call_delta', index: 1, arguments: '' },
      { type: 'tool_call_delta', index: 1, arguments: '{"city":' },
      { type: 'tool_call_delta', index: 1, arguments: ' "Tokyo"}' },
      { type: 'finish', reason: 'tool_calls' },
      { type: 'usage', usage: fullUsage },
    ];
    const expected = toParsed(parseSse(readFixture('xlate_openai_stream_to_anthropic.expected.sse')));
    // message.model echoes the client's model; the fixture's gateway chose the upstream name.
    expect(run(events, 'gpt-4o-2024-08-06')).toStrictEqual(expected);
    const echoed = run(events, 'claude-sonnet-4-5');
    expect((echoed[0]?.data.message as Record<string, unknown>).model).toBe('claude-sonnet-4-5');
  });

  it('round-trips the Anthropic thinking + tool_use stream through the decoder', () => {
    const original = parseSse(readFixture('anthropic_messages_stream_thinking_tool_use.sse'));
    const decoder = createAnthropicStreamDecoder(testContext());
    const canonical = [...original.flatMap((e) => decoder.push(e)), ...decoder.end()];
    const out = run(canonical);
    const expected = toParsed(original)
      // Empty argument fragments carry nothing and are not re-sent.
      .filter((e) => (e.data.delta as Record<string, unknown> | undefined)?.partial_json !== '');
    const message = expected[0]?.data.message as Record<string, unknown>;
    // Clients get the four usage fields.
    message.usage = {
      input_tokens: 58,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 1024,
      output_tokens: 1,
    };
    expect(out).toStrictEqual(expected);
  });

  it('keeps blocks sequential when tool deltas interleave, losing nothing', () => {
    const out = run([
      start,
      { type: 'tool_call_start', index: 0, id: 'call_a', name: 'A' },
      { type: 'tool_call_delta', index: 0, arguments: '{"a":' },
      { type: 'tool_call_start', index: 1, id: 'call_b', name: 'B' },
      { type: 'tool_call_delta', index: 1, arguments: '{"b":' },
      { type: 'tool_call_delta', index: 0, arguments: '1}' },
      { type: 'tool_call_delta', index: 1, arguments: '2}' },
      { type: 'tool_call_start', index: 2, id: 'call_c', name: 'C' },
      { type: 'tool_call_delta', index: 2, arguments: '{"c":3}' },
      { type: 'finish', reason: 'tool_calls' },
    ]);
    expect(toolArgs(out)).toEqual({
      '0': { id: 'call_a', name: 'A', args: '{"a":1}' },
      '1': { id: 'call_b', name: 'B', args: '{"b":2}' },
      '2': { id: 'call_c', name: 'C', args: '{"c":3}' },
    });
  });

  it('holds text and other calls behind an unfinished tool call until its JSON completes', () => {
    const out = run([
      start,
      { type: 'tool_call_start', index: 0, id: 'call_a', name: 'A' },
      { type: 'tool_call_delta', index: 0, arguments: '{"a":' },
      { type: 'text', text: 'meanwhile' },
      { type: 'tool_call_start', index: 1, id: 'call_b', name: 'B' },
      { type: 'tool_call_delta', index: 0, arguments: '[1,' },
      { type: 'tool_call_delta', index: 1, arguments: '{"b":2}' },
      { type: 'tool_call_delta', index: 0, arguments: '2]}' },
      { type: 'finish', reason: 'tool_calls' },
    ]);
    expect(names(out)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(toolArgs(out)).toEqual({
      '0': { id: 'call_a', name: 'A', args: '{"a":[1,2]}' },
      '2': { id: 'call_b', name: 'B', args: '{"b":2}' },
    });
    expect(out[8]?.data.delta).toEqual({ type: 'text_delta', text: 'meanwhile' });
  });

  it('flushes everything held at finish when a call never completes its JSON', () => {
    const out = run([
      start,
      { type: 'tool_call_start', index: 0, id: 'call_a', name: 'NoArgs' },
      { type: 'text', text: 'meanwhile' },
      { type: 'tool_call_start', index: 1, id: 'call_b', name: 'B' },
      { type: 'tool_call_delta', index: 1, arguments: '{"b":' },
      { type: 'tool_call_delta', index: 1, arguments: '2}' },
      { type: 'finish', reason: 'tool_calls' },
    ]);
    expect(toolArgs(out)).toEqual({
      '0': { id: 'call_a', name: 'NoArgs', args: '' },
      '2': { id: 'call_b', name: 'B', args: '{"b":2}' },
    });
    expect(out.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta)).toEqual([
      { type: 'text_delta', text: 'meanwhile' },
      { type: 'input_json_delta', partial_json: '{"b":2}' },
    ]);
  });

  it('gives one-shot tool calls (Gemini/Ollama style) a start, a delta and a stop each', () => {
    const out = run([
      start,
      { type: 'text', text: 'Checking.' },
      { type: 'tool_call_start', index: 0, id: '', name: 'A' },
      { type: 'tool_call_delta', index: 0, arguments: '{"x":1}' },
      { type: 'tool_call_start', index: 1, id: 'functions.B:1', name: 'B' },
      { type: 'tool_call_delta', index: 1, arguments: '{"y":2}' },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(toolArgs(out)).toEqual({
      '1': { id: 'toolu_gen1', name: 'A', args: '{"x":1}' },
      '2': { id: 'functions_B_1', name: 'B', args: '{"y":2}' },
    });
    expect(out.at(-2)?.data.delta).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
  });

  it('never puts thinking into a text block and opens no block for empty text', () => {
    const out = run([
      start,
      { type: 'text', text: '' },
      { type: 'reasoning', text: 'think' },
      { type: 'reasoning_signature', signature: 'sig' },
      { type: 'text', text: 'answer' },
      { type: 'reasoning', text: 'more' },
      { type: 'redacted_reasoning', data: 'r==' },
      { type: 'text', text: 'end' },
      { type: 'finish', reason: 'stop' },
    ]);
    const starts = out.filter((e) => e.event === 'content_block_start').map((e) => e.data.content_block);
    expect(starts).toEqual([
      { type: 'thinking', thinking: '', signature: '' },
      { type: 'text', text: '' },
      { type: 'thinking', thinking: '', signature: '' },
      { type: 'redacted_thinking', data: 'r==' },
      { type: 'text', text: '' },
    ]);
    const deltas = out
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => [e.data.index, e.data.delta]);
    expect(deltas).toEqual([
      [0, { type: 'thinking_delta', thinking: 'think' }],
      [0, { type: 'signature_delta', signature: 'sig' }],
      [1, { type: 'text_delta', text: 'answer' }],
      [2, { type: 'thinking_delta', thinking: 'more' }],
      [4, { type: 'text_delta', text: 'end' }],
    ]);
  });

  it('holds message_delta until end, with usage that arrived after finish', () => {
    const encoder = createAnthropicStreamEncoder(testContext());
    let text = encoder.push({ ...start, usage: { inputTokens: 10, cacheReadTokens: 5 } });
    text += encoder.push({ type: 'text', text: 'hi' });
    text += encoder.push({ type: 'finish', reason: 'length' });
    expect(text).not.toContain('message_delta');
    expect(encoder.push({ type: 'usage', usage: { outputTokens: 12 } })).toBe('');
    expect(encoder.push({ type: 'text', text: 'late' })).toBe('');
    text += encoder.end();
    expect(encoder.end()).toBe('');
    const out = toParsed(parseSse(text));
    expect(out[0]?.data.message).toMatchObject({
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 5,
        output_tokens: 0,
      },
    });
    expect(out.at(-2)?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'max_tokens', stop_sequence: null },
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 5,
        output_tokens: 12,
      },
    });
    expect(out.at(-1)?.data).toEqual({ type: 'message_stop' });
    expect(JSON.stringify(out)).not.toContain('late');
  });

  it('uses the input estimate when the upstream reports no usage, and reports stop sequences', () => {
    const out = run(
      [start, { type: 'text', text: 'x' }, { type: 'finish', reason: 'stop', stopSequence: 'END' }],
      undefined,
      {
        inputTokensEstimate: 42,
      },
    );
    expect(out[0]?.data.message).toMatchObject({
      id: 'msg_up1',
      usage: { input_tokens: 42, output_tokens: 0 },
    });
    expect(out.at(-2)?.data).toMatchObject({
      delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' },
      usage: { input_tokens: 42, output_tokens: 0 },
    });
  });

  it('starts the message itself when no start event came, and closes an empty completion', () => {
    const out = run([]);
    expect(names(out)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(out[0]?.data.message).toMatchObject({ id: 'msg_gen1', content: [], stop_reason: null });
  });

  it.each([
    [{ status: 529, message: 'Overloaded', type: 'overloaded_error' }, 'overloaded_error'],
    [{ status: 503, message: 'busy', type: 'server_error' }, 'overloaded_error'],
    [{ status: 500, message: 'boom', type: 'server_error' }, 'api_error'],
    [{ status: 429, message: 'slow down' }, 'rate_limit_error'],
  ])('ends with an Anthropic error event for %j', (error, type) => {
    const encoder = createAnthropicStreamEncoder(testContext());
    let text = encoder.push(start) + encoder.push({ type: 'text', text: 'partial' });
    text += encoder.push({ type: 'error', error });
    expect(encoder.push({ type: 'text', text: 'after' })).toBe('');
    text += encoder.end();
    const sse = parseSse(text);
    expect(anthropicStreamViolations(sse)).toEqual([]);
    expect(sse.at(-1)).toEqual({
      event: 'error',
      data: JSON.stringify({ type: 'error', error: { type, message: error.message } }),
    });
  });
});

describe('anthropicStreamViolations', () => {
  it('catches what breaks Claude Code', () => {
    const bad = parseSse(
      [
        'data: {"type":"message_start","message":{"usage":{}}}',
        '',
        'event: content_block_start',
        'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
        '',
        'event: content_block_delta',
        'data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"x"}}',
        '',
        'event: content_block_start',
        'data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}',
        '',
        'event: message_delta',
        'data: {"type":"message_delta","delta":{}}',
        '',
      ].join('\n'),
    );
    expect(anthropicStreamViolations(bad)).toEqual([
      'event 0: SSE name undefined ≠ type message_start',
      'event 2: thinking_delta into a text block',
      'event 3: block 1 opened while block 0 is open',
      'event 4: message_delta while block 1 is open',
      'event 4: message_delta without usage.output_tokens',
      'stream ended without message_stop or error',
    ]);
  });
});
