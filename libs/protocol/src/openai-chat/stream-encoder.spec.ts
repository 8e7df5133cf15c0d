import type { StreamEvent } from '../canonical/model';
import { SseParser } from '../sse/sse-parser';
import { readFixture } from '../testing/fixtures';
import { createOpenAIChatStreamDecoder } from './stream-decoder';
import { createOpenAIChatStreamEncoder } from './stream-encoder';
import { testContext } from './testing';

type Chunk = Record<string, unknown>;

function encode(events: StreamEvent[], includeUsage: boolean, clientModel = 'client-model'): string {
  const encoder = createOpenAIChatStreamEncoder(testContext(clientModel), { includeUsage });
  return events.map((e) => encoder.push(e)).join('') + encoder.end();
}

/** The `data:` payloads of an SSE text; `[DONE]` stays a string. */
function payloads(text: string): Array<Chunk | string> {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()].map((e) =>
    e.data === '[DONE]' ? e.data : (JSON.parse(e.data) as Chunk),
  );
}

function decodeFixture(name: string): StreamEvent[] {
  const parser = new SseParser();
  const decoder = createOpenAIChatStreamDecoder(testContext());
  return [
    ...[...parser.push(readFixture(name)), ...parser.end()].flatMap((e) => decoder.push(e)),
    ...decoder.end(),
  ];
}

/** Drop what an encoder may legitimately differ in: the id, and upstream-only fields. */
function comparable(payload: Chunk | string): Chunk | string {
  if (typeof payload === 'string') return payload;
  const { id: _id, obfuscation: _o, system_fingerprint: _fp, service_tier: _tier, ...rest } = payload;
  return rest;
}

/**
 * Accumulate chunks like openai-node's ChatCompletionStream and apply its checks: a role, a finish
 * reason, and every tool call with type, name and arguments (never a name that changes or is null).
 */
function accumulate(items: Array<Chunk | string>): Record<string, unknown> {
  let role: unknown;
  let content = '';
  let finish: unknown = null;
  let usage: unknown;
  const calls: Array<{ id: unknown; type: unknown; name: unknown; arguments: string }> = [];
  for (const item of items) {
    if (typeof item === 'string') continue;
    if (item.usage) usage = item.usage;
    for (const choice of item.choices as Chunk[]) {
      const delta = choice.delta as Chunk;
      if (delta.role !== undefined) role = delta.role;
      if (typeof delta.content === 'string') content += delta.content;
      for (const tc of (delta.tool_calls as Chunk[] | undefined) ?? []) {
        const fn = tc.function as Chunk;
        const index = tc.index as number;
        if ('name' in fn && fn.name === null) throw new Error('null tool name');
        if (!calls[index]) calls[index] = { id: tc.id, type: tc.type, name: fn.name, arguments: '' };
        else if (tc.id !== undefined || fn.name !== undefined)
          throw new Error('continuation carries id/name');
        calls[index].arguments += fn.arguments as string;
      }
      if (choice.finish_reason !== null) finish = choice.finish_reason;
    }
  }
  if (role !== 'assistant') throw new Error('missing role');
  if (finish === null) throw new Error('missing finish_reason');
  for (const call of calls) {
    if (call.type !== 'function' || typeof call.name !== 'string' || typeof call.id !== 'string') {
      throw new Error('incomplete tool call');
    }
  }
  return { role, content, finish, usage, calls };
}

describe('createOpenAIChatStreamEncoder', () => {
  it('writes the exact chunk sequence, with usage:null everywhere and a final usage chunk', () => {
    const text = encode(
      [
        { type: 'start', id: 'up', model: 'up-model', usage: { inputTokens: 10 } },
        { type: 'text', text: 'Hi' },
        { type: 'finish', reason: 'stop' },
        { type: 'usage', usage: { outputTokens: 2, cacheReadTokens: 5 } },
      ],
      true,
    );
    const head =
      '{"id":"chatcmpl-gen1","object":"chat.completion.chunk","created":1735689600,"model":"client-model",';
    expect(text).toBe(
      `data: ${head}"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}\n\n` +
        `data: ${head}"choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}],"usage":null}\n\n` +
        `data: ${head}"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}\n\n` +
        `data: ${head}"choices":[],"usage":{"prompt_tokens":15,"completion_tokens":2,"total_tokens":17,` +
        `"prompt_tokens_details":{"cached_tokens":5,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,` +
        `"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}\n\n` +
        'data: [DONE]\n\n',
    );
  });

  it('sends no usage at all without includeUsage', () => {
    const items = payloads(
      encode(
        [
          { type: 'start', id: 'up', model: 'm' },
          { type: 'text', text: 'Hi' },
          { type: 'usage', usage: { outputTokens: 1 } },
          { type: 'finish', reason: 'length' },
        ],
        false,
      ),
    );
    expect(items).toHaveLength(4);
    for (const item of items.slice(0, 3)) expect(item).not.toHaveProperty('usage');
    expect(items[3]).toBe('[DONE]');
    expect(accumulate(items)).toMatchObject({ content: 'Hi', finish: 'length' });
  });

  it('writes tool calls as a first fragment then argument-only fragments, and reasoning_content', () => {
    const items = payloads(
      encode(
        [
          { type: 'start', id: 'up', model: 'm' },
          { type: 'reasoning', text: 'plan' },
          { type: 'reasoning_signature', signature: 'sig' },
          { type: 'tool_call_start', index: 0, id: 'toolu_1', name: 'Bash' },
          { type: 'tool_call_delta', index: 0, arguments: '' },
          { type: 'tool_call_delta', index: 0, arguments: '{"cmd":"ls"}' },
          { type: 'finish', reason: 'tool_calls' },
        ],
        false,
      ),
    );
    const deltas = items
      .filter((i): i is Chunk => typeof i !== 'string')
      .map((c) => (c.choices as Chunk[])[0]?.delta);
    expect(deltas).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { reasoning_content: 'plan' },
      {
        tool_calls: [
          { index: 0, id: 'toolu_1', type: 'function', function: { name: 'Bash', arguments: '' } },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"cmd":"ls"}' } }] },
      {},
    ]);
    expect(accumulate(items)).toMatchObject({ finish: 'tool_calls' });
  });

  it('says tool_calls when calls were sent but the canonical reason was stop, and finishes at end', () => {
    const items = payloads(
      encode(
        [
          { type: 'start', id: 'up', model: 'm' },
          { type: 'tool_call_start', index: 0, id: 'c', name: 'f' },
        ],
        true,
      ),
    );
    expect(accumulate(items)).toMatchObject({
      finish: 'tool_calls',
      calls: [{ id: 'c', type: 'function', name: 'f', arguments: '' }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    });
  });

  it('writes a mid-stream error as an OpenAI error object then [DONE]', () => {
    const text = encode(
      [
        { type: 'start', id: 'up', model: 'm' },
        { type: 'error', error: { status: 529, message: 'Overloaded', type: 'overloaded_error' } },
        { type: 'text', text: 'ignored' },
      ],
      true,
    );
    const items = payloads(text);
    expect(items.slice(1)).toEqual([
      { error: { message: 'Overloaded', type: 'overloaded_error', param: null, code: null } },
      '[DONE]',
    ]);
    expect(payloads(encode([{ type: 'error', error: { status: 500, message: 'boom' } }], false))).toEqual([
      { error: { message: 'boom', type: 'server_error', param: null, code: null } },
      '[DONE]',
    ]);
  });

  it('round-trips the golden text stream to equivalent chunks', () => {
    const original = payloads(readFixture('openai_chat_stream_text_usage.sse'));
    const reencoded = payloads(
      encode(decodeFixture('openai_chat_stream_text_usage.sse'), true, 'gpt-4o-2024-08-06'),
    );
    expect(reencoded.map(comparable)).toEqual(original.map(comparable));
  });

  it('round-trips the golden tool-call stream to an equivalent accumulated message', () => {
    const original = payloads(readFixture('openai_chat_stream_tool_calls.sse'));
    const reencoded = payloads(
      encode(decodeFixture('openai_chat_stream_tool_calls.sse'), true, 'gpt-4o-2024-08-06'),
    );
    expect(accumulate(reencoded)).toEqual(accumulate(original));
    // After the first tool fragment every chunk (argument fragments, finish, usage, [DONE]) matches the fixture's.
    const mine = reencoded.map(comparable).slice(2);
    const theirs = original.map(comparable).slice(1);
    expect(mine).toHaveLength(9);
    expect(mine).toEqual(theirs);
  });
});
