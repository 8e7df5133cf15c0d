import type { StreamEvent } from '../canonical/model';
import { SseParser, sse, type SseEvent } from '../sse/sse-parser';
import { readFixture } from '../testing/fixtures';
import { createAnthropicStreamDecoder } from './stream-decoder';
import { testContext } from './test-context';

function parse(text: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()];
}

function decode(events: SseEvent[]): StreamEvent[] {
  const decoder = createAnthropicStreamDecoder(testContext());
  return [...events.flatMap((e) => decoder.push(e)), ...decoder.end()];
}

function ev(data: Record<string, unknown>): SseEvent {
  return { event: String(data.type), data: JSON.stringify(data) };
}

const messageStart = ev({
  type: 'message_start',
  message: { id: 'msg_1', model: 'claude-x', usage: { input_tokens: 5, output_tokens: 1 } },
});
const stop = [
  ev({
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: { output_tokens: 7 },
  }),
  ev({ type: 'message_stop' }),
];

describe('createAnthropicStreamDecoder', () => {
  it('decodes the golden thinking + text + tool_use stream', () => {
    const events = decode(parse(readFixture('anthropic_messages_stream_thinking_tool_use.sse')));
    expect(events).toStrictEqual<StreamEvent[]>([
      {
        type: 'start',
        id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
        model: 'claude-sonnet-4-5-20250929',
        created: 1735689600,
        usage: { inputTokens: 58, cacheReadTokens: 1024, cacheWriteTokens: 0, outputTokens: 1 },
      },
      { type: 'reasoning', text: 'Need Tokyo weather;' },
      { type: 'reasoning', text: ' call get_weather.' },
      { type: 'reasoning_signature', signature: 'EqQBCkYIBxgCKkDanotherSyntheticSignature==' },
      { type: 'text', text: 'Checking' },
      { type: 'text', text: ' Tokyo now.' },
      { type: 'tool_call_start', index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, arguments: '{"ci' },
      { type: 'tool_call_delta', index: 0, arguments: 'ty": "To' },
      { type: 'tool_call_delta', index: 0, arguments: 'kyo"}' },
      {
        type: 'usage',
        usage: { inputTokens: 58, cacheReadTokens: 1024, cacheWriteTokens: 0, outputTokens: 89 },
      },
      { type: 'finish', reason: 'tool_calls', stopSequence: null },
    ]);
  });

  it('numbers every tool_use block and skips server-tool blocks', () => {
    const events = decode([
      messageStart,
      ev({
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
      }),
      ev({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' },
      }),
      ev({ type: 'content_block_stop', index: 0 }),
      ev({
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
      }),
      ev({ type: 'content_block_stop', index: 1 }),
      ev({
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_a', name: 'A', input: {} },
      }),
      ev({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } }),
      ev({ type: 'content_block_stop', index: 2 }),
      ev({
        type: 'content_block_start',
        index: 3,
        content_block: { type: 'tool_use', id: 'toolu_b', name: 'B', input: { x: 1 } },
      }),
      ev({ type: 'content_block_stop', index: 3 }),
      ...stop,
    ]);
    expect(events.filter((e) => e.type.startsWith('tool_call'))).toEqual([
      { type: 'tool_call_start', index: 0, id: 'toolu_a', name: 'A' },
      { type: 'tool_call_delta', index: 0, arguments: '{}' },
      { type: 'tool_call_start', index: 1, id: 'toolu_b', name: 'B' },
      { type: 'tool_call_delta', index: 1, arguments: '{"x":1}' },
    ]);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls', stopSequence: null });
  });

  it('ignores ping and unknown events, reads redacted thinking and stop sequences', () => {
    const events = decode([
      messageStart,
      ev({ type: 'ping' }),
      ev({
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'redacted_thinking', data: 'r==' },
      }),
      ev({ type: 'content_block_stop', index: 0 }),
      ev({ type: 'brand_new_event', x: 1 }),
      ev({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }),
      ev({ type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation: {} } }),
      ev({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hi' } }),
      ev({ type: 'content_block_stop', index: 1 }),
      ev({
        type: 'message_delta',
        delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' },
        usage: { output_tokens: 3 },
      }),
      ev({ type: 'message_stop' }),
    ]);
    expect(events.slice(1)).toEqual([
      { type: 'redacted_reasoning', data: 'r==' },
      { type: 'text', text: 'Hi' },
      { type: 'usage', usage: { outputTokens: 3 } },
      { type: 'finish', reason: 'stop_sequence', stopSequence: 'END' },
    ]);
  });

  it('turns an error event into an error and stops', () => {
    const events = decode([
      messageStart,
      ...parse(
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
      ),
      ...stop,
    ]);
    expect(events.slice(1)).toEqual([
      { type: 'error', error: { status: 529, message: 'Overloaded', type: 'overloaded_error' } },
    ]);
  });

  it('reports a stream that ends before message_delta, and malformed data', () => {
    expect(decode([messageStart]).at(-1)).toMatchObject({ type: 'error', error: { status: 502 } });
    expect(decode(parse(sse('{not json', 'content_block_delta')))).toMatchObject([
      { type: 'error', error: { status: 502 } },
    ]);
  });
});
