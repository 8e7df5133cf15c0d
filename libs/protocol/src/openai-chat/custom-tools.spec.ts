import { SseParser } from '../sse/sse-parser';
import type { ChatResponse } from '../canonical/model';
import { customToolNames, customToolInput } from './custom-tools';
import { encodeOpenAIChatResponse } from './response';
import { createOpenAIChatStreamEncoder } from './stream-encoder';

const ctx = { now: () => 1735689600000, newId: (p: string) => `${p}x`, clientModel: 'm' };
const PATCH = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch';

describe('custom (free-form) tool calls on the OpenAI Chat wire', () => {
  it('finds the custom tools of a request', () => {
    expect([
      ...customToolNames([
        { name: 'a', parameters: {} },
        { name: 'ApplyPatch', parameters: {}, custom: true },
      ]),
    ]).toEqual(['ApplyPatch']);
    expect(customToolInput('{"input":"x"}')).toBe('x');
    expect(customToolInput('{"other":1}')).toBeUndefined();
  });

  it('non-stream: custom calls become type "custom" with the raw input, functions stay functions', () => {
    const res: ChatResponse = {
      id: 'r',
      model: 'm',
      created: 1,
      finishReason: 'tool_calls',
      usage: { inputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
      content: [
        { type: 'tool_call', id: 'call_1', name: 'ApplyPatch', arguments: JSON.stringify({ input: PATCH }) },
        { type: 'tool_call', id: 'call_2', name: 'read_file', arguments: '{"path":"a"}' },
      ],
    };
    const body = encodeOpenAIChatResponse(res, ctx, { customTools: new Set(['ApplyPatch']) }) as {
      choices: Array<{ message: { tool_calls: unknown[] }; finish_reason: string }>;
    };
    expect(body.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_1', type: 'custom', custom: { name: 'ApplyPatch', input: PATCH } },
      { id: 'call_2', type: 'function', function: { name: 'read_file', arguments: '{"path":"a"}' } },
    ]);
    expect(body.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('stream: a custom call is held until complete and sent whole, indexes stay in order', () => {
    const enc = createOpenAIChatStreamEncoder(ctx, {
      includeUsage: false,
      customTools: new Set(['ApplyPatch']),
    });
    const args = JSON.stringify({ input: PATCH });
    let out = enc.push({ type: 'start', id: 'r', model: 'm' });
    out += enc.push({ type: 'tool_call_start', index: 0, id: 'call_1', name: 'ApplyPatch' });
    out += enc.push({ type: 'tool_call_delta', index: 0, arguments: args.slice(0, 10) });
    out += enc.push({ type: 'tool_call_start', index: 1, id: 'call_2', name: 'read_file' });
    out += enc.push({ type: 'tool_call_delta', index: 1, arguments: '{"path":"a"}' });
    out += enc.push({ type: 'tool_call_delta', index: 0, arguments: args.slice(10) });
    out += enc.push({ type: 'finish', reason: 'tool_calls' });
    out += enc.end();
    const chunks = new SseParser()
      .push(out)
      .filter((e) => e.data !== '[DONE]')
      .map(
        (e) =>
          JSON.parse(e.data) as {
            choices: Array<{ delta: { tool_calls?: unknown[] }; finish_reason: string | null }>;
          },
      );
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toEqual([
      { index: 1, id: 'call_2', type: 'function', function: { name: 'read_file', arguments: '' } },
      { index: 1, function: { arguments: '{"path":"a"}' } },
      { index: 0, id: 'call_1', type: 'custom', custom: { name: 'ApplyPatch', input: PATCH } },
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });
});
