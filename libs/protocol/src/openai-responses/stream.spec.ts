import OpenAI from 'openai';
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { ChatRequest, StreamEvent } from '../canonical/model';
import { SseParser } from '../sse/sse-parser';
import { testContext } from './__fixtures__/context';
import { decodeResponsesRequest } from './request-decode';
import { createResponsesStreamDecoder } from './stream-decode';
import { createResponsesStreamEncoder } from './stream-encode';

type Wire = { event: string | undefined; data: Record<string, unknown> };

const request: ChatRequest = decodeResponsesRequest({
  model: 'gpt-5',
  input: 'Weather in Paris and Rome?',
  tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } }],
  stream: true,
});

function encode(events: StreamEvent[], clientModel = 'gpt-5'): string {
  const enc = createResponsesStreamEncoder(testContext(clientModel), { request });
  return events.map((e) => enc.push(e)).join('') + enc.end();
}

function parse(text: string): Wire[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()].map((e) => ({
    event: e.event,
    data: JSON.parse(e.data) as Record<string, unknown>,
  }));
}

/** The Responses stream grammar the SDKs rely on; throws on the first violation. */
function checkGrammar(wire: Wire[]): void {
  let open: { index: number; id: unknown } | null = null;
  let added = 0;
  wire.forEach((w, i) => {
    const type = w.data.type;
    expect(w.event).toBe(type);
    expect(w.data.sequence_number).toBe(i);
    if (i === 0) expect(type).toBe('response.created');
    if (i === 1) expect(type).toBe('response.in_progress');
    const item = w.data.item as Record<string, unknown> | undefined;
    if (type === 'response.output_item.added') {
      expect(open).toBeNull();
      expect(w.data.output_index).toBe(added++);
      open = { index: w.data.output_index as number, id: item?.id };
    } else if (type === 'response.output_item.done') {
      expect(open).toStrictEqual({ index: w.data.output_index, id: item?.id });
      open = null;
    } else if (typeof w.data.item_id === 'string') {
      expect(open).toStrictEqual({ index: w.data.output_index, id: w.data.item_id });
    }
  });
  expect(open).toBeNull();
  const terminals = ['response.completed', 'response.incomplete', 'response.failed'];
  const ends = wire.filter((w) => terminals.includes(String(w.data.type)));
  expect(ends).toHaveLength(1);
  expect(wire[wire.length - 1]).toBe(ends[0]);
}

/** Replays the wire through openai-node's own accumulator (throws on index/shape errors). */
function accumulate(wire: Wire[]): ReturnType<typeof accumulateResponse> {
  let snapshot: ReturnType<typeof accumulateResponse> | undefined;
  for (const w of wire) snapshot = accumulateResponse(w.data as unknown as ResponseStreamEvent, snapshot);
  return snapshot!;
}

const toolTurn: StreamEvent[] = [
  {
    type: 'start',
    id: 'msg_01',
    model: 'claude-sonnet-4-5',
    created: 1741294021,
    usage: { inputTokens: 30 },
  },
  { type: 'reasoning', text: 'Two cities, ' },
  { type: 'reasoning', text: 'two calls.' },
  { type: 'reasoning_signature', signature: 'sig' },
  { type: 'text', text: 'Checking ' },
  { type: 'text', text: 'both.' },
  { type: 'tool_call_start', index: 0, id: 'toolu_a', name: 'get_weather' },
  { type: 'tool_call_delta', index: 0, arguments: '{"city":' },
  { type: 'tool_call_delta', index: 0, arguments: '"Paris"}' },
  { type: 'tool_call_start', index: 1, id: 'toolu_b', name: 'get_weather' },
  { type: 'tool_call_delta', index: 1, arguments: '{"city":"Rome"}' },
  { type: 'finish', reason: 'tool_calls' },
  { type: 'usage', usage: { outputTokens: 50, reasoningTokens: 10, cacheReadTokens: 70 } },
];

describe('createResponsesStreamEncoder', () => {
  it('emits a well-formed stream that ends with response.completed and usage', () => {
    const text = encode(toolTurn);
    expect(text).not.toContain('[DONE]');
    const wire = parse(text);
    checkGrammar(wire);
    expect(wire.map((w) => w.data.type)).toStrictEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const completed = wire[wire.length - 1]!.data.response as Record<string, unknown>;
    expect(completed).toMatchObject({
      id: 'resp_1',
      status: 'completed',
      model: 'gpt-5',
      created_at: 1741294021,
      usage: {
        input_tokens: 100,
        input_tokens_details: { cached_tokens: 70 },
        output_tokens: 50,
        output_tokens_details: { reasoning_tokens: 10 },
        total_tokens: 150,
      },
    });
    const delta = wire.find((w) => w.data.type === 'response.output_text.delta')!.data;
    expect(delta).toStrictEqual({
      type: 'response.output_text.delta',
      item_id: 'msg_1',
      output_index: 1,
      content_index: 0,
      delta: 'Checking ',
      logprobs: [],
      sequence_number: 11,
    });
    const snapshot = accumulate(wire);
    expect(snapshot.output).toStrictEqual(completed.output);
    expect(snapshot.output_text).toBe('Checking both.');
    expect(completed.output).toStrictEqual([
      { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Two cities, two calls.' }] },
      {
        id: 'msg_1',
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Checking both.' }],
      },
      {
        id: 'fc_1',
        type: 'function_call',
        status: 'completed',
        arguments: '{"city":"Paris"}',
        call_id: 'toolu_a',
        name: 'get_weather',
      },
      {
        id: 'fc_2',
        type: 'function_call',
        status: 'completed',
        arguments: '{"city":"Rome"}',
        call_id: 'toolu_b',
        name: 'get_weather',
      },
    ]);
  });

  it('serializes interleaved tool-call fragments into whole items', () => {
    const wire = parse(
      encode([
        { type: 'start', id: 'x', model: 'm' },
        { type: 'tool_call_start', index: 0, id: 'call_a', name: 'f' },
        { type: 'tool_call_start', index: 1, id: 'call_b', name: 'g' },
        { type: 'tool_call_delta', index: 1, arguments: '{"b":' },
        { type: 'tool_call_delta', index: 0, arguments: '{"a":' },
        { type: 'tool_call_delta', index: 1, arguments: '2}' },
        { type: 'tool_call_delta', index: 0, arguments: '1}' },
        { type: 'finish', reason: 'tool_calls' },
      ]),
    );
    checkGrammar(wire);
    const done = wire
      .filter((w) => w.data.type === 'response.function_call_arguments.done')
      .map((w) => w.data);
    expect(done.map((d) => [d.name, d.arguments])).toStrictEqual([
      ['f', '{"a":1}'],
      ['g', '{"b":2}'],
    ]);
    const snapshot = accumulate(wire);
    expect(
      snapshot.output.map((o) => (o.type === 'function_call' ? [o.call_id, o.arguments] : null)),
    ).toStrictEqual([
      ['call_a', '{"a":1}'],
      ['call_b', '{"b":2}'],
    ]);
  });

  it('gives a call without arguments "{}" so clients can parse it', () => {
    const wire = parse(
      encode([
        { type: 'start', id: 'x', model: 'm' },
        { type: 'tool_call_start', index: 0, id: 'call_a', name: 'now' },
        { type: 'finish', reason: 'tool_calls' },
      ]),
    );
    checkGrammar(wire);
    const done = wire.find((w) => w.data.type === 'response.function_call_arguments.done')!.data;
    expect(done.arguments).toBe('{}');
  });

  it('ends a length stop with response.incomplete', () => {
    const wire = parse(
      encode([
        { type: 'start', id: 'x', model: 'm' },
        { type: 'text', text: 'Trunc' },
        { type: 'finish', reason: 'length' },
      ]),
    );
    checkGrammar(wire);
    const last = wire[wire.length - 1]!.data;
    expect(last.type).toBe('response.incomplete');
    expect(last.response).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
  });

  it('turns an error into an error event followed by response.failed', () => {
    const wire = parse(
      encode([
        { type: 'start', id: 'x', model: 'm' },
        { type: 'text', text: 'Hel' },
        { type: 'error', error: { status: 529, message: 'Overloaded', type: 'overloaded_error' } },
        { type: 'text', text: 'ignored' },
      ]),
    );
    expect(wire.slice(-2).map((w) => w.data)).toStrictEqual([
      { type: 'error', code: 'overloaded_error', message: 'Overloaded', param: null, sequence_number: 5 },
      expect.objectContaining({
        type: 'response.failed',
        response: expect.objectContaining({
          status: 'failed',
          error: { code: 'server_error', message: 'Overloaded' },
        }),
      }),
    ]);
    expect(wire.some((w) => w.data.type === 'response.completed')).toBe(false);
  });

  it('fails a stream that ends without a finish', () => {
    const wire = parse(
      encode([
        { type: 'start', id: 'x', model: 'm' },
        { type: 'text', text: 'Hi' },
      ]),
    );
    expect(wire.map((w) => w.data.type).slice(-2)).toStrictEqual(['error', 'response.failed']);
  });

  it('is accepted by the openai SDK stream helper', async () => {
    const body = encode(toolTurn);
    const client = new OpenAI({
      apiKey: 'test',
      baseURL: 'http://gateway.test/v1',
      fetch: () => Promise.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } })),
    });
    const stream = client.responses.stream({ model: 'gpt-5', input: 'Weather?' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(deltas).toStrictEqual(['Checking ', 'both.']);
    expect(final.output_text).toBe('Checking both.');
    expect(final.usage?.total_tokens).toBe(150);
    expect(final.output.filter((o) => o.type === 'function_call')).toHaveLength(2);
  });
});

describe('createResponsesStreamDecoder', () => {
  function decode(text: string): StreamEvent[] {
    const dec = createResponsesStreamDecoder(testContext());
    const parser = new SseParser();
    const out: StreamEvent[] = [];
    for (const e of [...parser.push(text), ...parser.end()]) out.push(...dec.push(e));
    out.push(...dec.end());
    return out;
  }

  it('round-trips the encoder output to the same canonical events', () => {
    const events = decode(encode(toolTurn));
    expect(events).toStrictEqual([
      { type: 'start', id: 'resp_1', model: 'gpt-5', created: 1741294021 },
      { type: 'reasoning', text: 'Two cities, ' },
      { type: 'reasoning', text: 'two calls.' },
      { type: 'text', text: 'Checking ' },
      { type: 'text', text: 'both.' },
      { type: 'tool_call_start', index: 0, id: 'toolu_a', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, arguments: '{"city":' },
      { type: 'tool_call_delta', index: 0, arguments: '"Paris"}' },
      { type: 'tool_call_start', index: 1, id: 'toolu_b', name: 'get_weather' },
      { type: 'tool_call_delta', index: 1, arguments: '{"city":"Rome"}' },
      {
        type: 'usage',
        usage: {
          inputTokens: 30,
          cacheReadTokens: 70,
          cacheWriteTokens: 0,
          outputTokens: 50,
          reasoningTokens: 10,
        },
      },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('decodes an OpenAI upstream stream: raw reasoning once, arguments only at done, obfuscation', () => {
    const ev = (type: string, data: Record<string, unknown>): string =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const text = [
      ev('response.created', {
        response: { id: 'resp_up', model: 'gpt-5-2025', created_at: 7, status: 'in_progress' },
      }),
      ev('response.in_progress', { response: { id: 'resp_up' } }),
      ev('response.output_item.added', {
        output_index: 0,
        item: { id: 'rs_1', type: 'reasoning', summary: [] },
      }),
      ev('response.reasoning_text.delta', {
        item_id: 'rs_1',
        output_index: 0,
        content_index: 0,
        delta: 'raw',
      }),
      ev('response.reasoning_summary_text.delta', {
        item_id: 'rs_1',
        output_index: 0,
        summary_index: 0,
        delta: 'sum',
      }),
      ev('response.output_item.added', {
        output_index: 1,
        item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'f', arguments: '' },
      }),
      ev('response.function_call_arguments.done', { item_id: 'fc_1', output_index: 1, arguments: '{"x":1}' }),
      ev('response.output_item.done', {
        output_index: 1,
        item: { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{"x":1}' },
      }),
      ev('response.output_item.added', {
        output_index: 2,
        item: { id: 'msg_1', type: 'message', content: [] },
      }),
      ev('response.output_text.delta', { item_id: 'msg_1', output_index: 2, delta: 'Hi', obfuscation: 'xx' }),
      ev('response.completed', {
        response: {
          id: 'resp_up',
          status: 'completed',
          usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 3 },
        },
      }),
      ev('response.output_text.delta', { item_id: 'msg_1', output_index: 2, delta: 'late' }),
    ].join('');
    expect(decode(text)).toStrictEqual([
      { type: 'start', id: 'resp_up', model: 'gpt-5-2025', created: 7 },
      { type: 'reasoning', text: 'raw' },
      { type: 'tool_call_start', index: 0, id: 'call_1', name: 'f' },
      { type: 'tool_call_delta', index: 0, arguments: '{"x":1}' },
      { type: 'text', text: 'Hi' },
      {
        type: 'usage',
        usage: {
          inputTokens: 6,
          cacheReadTokens: 4,
          cacheWriteTokens: 0,
          outputTokens: 3,
          reasoningTokens: 0,
        },
      },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('maps incomplete, failed, error events and a cut-off stream', () => {
    const line = (data: Record<string, unknown>): string => `data: ${JSON.stringify(data)}\n\n`;
    expect(
      decode(
        line({
          type: 'response.incomplete',
          response: { incomplete_details: { reason: 'max_output_tokens' } },
        }),
      ),
    ).toStrictEqual([
      { type: 'start', id: 'resp_1', model: 'gpt-5' },
      { type: 'finish', reason: 'length' },
    ]);
    expect(
      decode(
        line({
          type: 'error',
          code: 'rate_limit_exceeded',
          message: 'slow down',
          param: null,
          sequence_number: 1,
        }),
      ),
    ).toStrictEqual([
      { type: 'start', id: 'resp_1', model: 'gpt-5' },
      { type: 'error', error: { status: 429, message: 'slow down', type: 'rate_limit_exceeded' } },
    ]);
    expect(
      decode(
        line({
          type: 'response.failed',
          response: {
            error: { code: 'server_error', message: 'boom' },
            usage: { input_tokens: 5, output_tokens: 1 },
          },
        }),
      ).slice(-2),
    ).toStrictEqual([
      {
        type: 'usage',
        usage: {
          inputTokens: 5,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 1,
          reasoningTokens: 0,
        },
      },
      { type: 'error', error: { status: 500, message: 'boom', type: 'server_error' } },
    ]);
    expect(
      decode(line({ type: 'response.created', response: { id: 'resp_x', model: 'm' } })).slice(-1),
    ).toStrictEqual([
      {
        type: 'error',
        error: { status: 502, message: 'The upstream stream ended before response.completed.' },
      },
    ]);
  });
});
