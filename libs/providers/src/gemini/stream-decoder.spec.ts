import { SseParser, type StreamEvent, type TranslateContext } from '@optscale/protocol';
import { readFixture } from '../../../protocol/src/testing/fixtures';
import { geminiProvider } from './index';

const NOW_MS = 1_751_900_000_000;

function testContext(): TranslateContext {
  let n = 0;
  return { now: () => NOW_MS, newId: (prefix) => `${prefix}${++n}`, clientModel: 'client-model' };
}

/** Frame raw SSE text the way the gateway does, then decode it to canonical events. */
function decodeSse(text: string): StreamEvent[] {
  const parser = new SseParser();
  const decoder = geminiProvider.createStreamDecoder(testContext());
  const chunks = [...parser.push(text), ...parser.end()];
  return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
}

function sse(...bodies: unknown[]): string {
  return bodies.map((b) => `data: ${JSON.stringify(b)}\r\n\r\n`).join('');
}

describe('gemini stream decoder', () => {
  it('decodes the CRLF-framed function-call fixture to exact canonical events', () => {
    expect(decodeSse(readFixture('gemini_stream_function_call.sse'))).toEqual([
      {
        type: 'start',
        id: 'mVxFaL2bC4yq1dkPp9nUqAk',
        model: 'gemini-2.5-flash',
        created: NOW_MS / 1000,
        usage: { inputTokens: 61, cacheReadTokens: 0 },
      },
      { type: 'text', text: "I'll look up both cities." },
      {
        type: 'tool_call_start',
        index: 0,
        id: 'call_1',
        name: 'get_weather',
        thoughtSignature: 'CiQBVKhc7synthetic-sig-1',
      },
      { type: 'tool_call_delta', index: 0, arguments: '{"city":"Paris"}' },
      { type: 'tool_call_start', index: 1, id: 'call_2', name: 'get_weather' },
      { type: 'tool_call_delta', index: 1, arguments: '{"city":"Tokyo"}' },
      {
        type: 'usage',
        // completion = candidates (29) + thoughts (52); the last usageMetadata is authoritative
        usage: {
          inputTokens: 61,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 81,
          reasoningTokens: 52,
        },
      },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('gives the same events when the fixture arrives in small network reads', () => {
    const text = readFixture('gemini_stream_function_call.sse');
    const parser = new SseParser();
    const decoder = geminiProvider.createStreamDecoder(testContext());
    const events: StreamEvent[] = [];
    for (let i = 0; i < text.length; i += 7) {
      for (const chunk of parser.push(text.slice(i, i + 7))) events.push(...decoder.push(chunk));
    }
    for (const chunk of parser.end()) events.push(...decoder.push(chunk));
    events.push(...decoder.end());
    expect(events).toEqual(decodeSse(text));
  });

  it('streams thoughts as reasoning, uses Gemini call ids when present, and maps MAX_TOKENS', () => {
    expect(
      decodeSse(
        sse(
          { candidates: [{ content: { role: 'model', parts: [{ text: 'Let me think', thought: true }] } }] },
          {
            candidates: [
              {
                content: {
                  role: 'model',
                  parts: [{ text: 'Answer' }, { functionCall: { id: 'g1', name: 'f' } }],
                },
                finishReason: 'MAX_TOKENS',
              },
            ],
            usageMetadata: { promptTokenCount: 100, cachedContentTokenCount: 60, candidatesTokenCount: 5 },
          },
        ),
      ),
    ).toEqual([
      { type: 'start', id: 'gen_1', model: 'client-model', created: NOW_MS / 1000 },
      { type: 'reasoning', text: 'Let me think' },
      { type: 'text', text: 'Answer' },
      { type: 'tool_call_start', index: 0, id: 'g1', name: 'f' },
      { type: 'tool_call_delta', index: 0, arguments: '{}' },
      {
        type: 'usage',
        usage: {
          inputTokens: 40,
          cacheReadTokens: 60,
          cacheWriteTokens: 0,
          outputTokens: 5,
          reasoningTokens: 0,
        },
      },
      { type: 'finish', reason: 'length' },
    ]);
  });

  it('synthesizes the finish (and usage) when EOF comes without a finishReason', () => {
    expect(
      decodeSse(
        sse({
          candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: { a: 1 } } }] } }],
          usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2 },
        }),
      ).slice(-3),
    ).toEqual([
      { type: 'tool_call_delta', index: 0, arguments: '{"a":1}' },
      {
        type: 'usage',
        usage: {
          inputTokens: 3,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 2,
          reasoningTokens: 0,
        },
      },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('turns a blocked prompt into a content_filter finish', () => {
    expect(
      decodeSse(
        sse({
          promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
          usageMetadata: { promptTokenCount: 9 },
        }),
      ),
    ).toEqual([
      {
        type: 'start',
        id: 'gen_1',
        model: 'client-model',
        created: NOW_MS / 1000,
        usage: { inputTokens: 9, cacheReadTokens: 0 },
      },
      {
        type: 'usage',
        usage: {
          inputTokens: 9,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
        },
      },
      { type: 'finish', reason: 'content_filter' },
    ]);
  });

  it('turns an error chunk into an error event and then stays silent', () => {
    const events = decodeSse(
      sse(
        { candidates: [{ content: { parts: [{ text: 'Hi' }] } }] },
        { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
        { candidates: [{ content: { parts: [{ text: 'ignored' }] }, finishReason: 'STOP' }] },
      ),
    );
    expect(events.slice(1)).toEqual([
      { type: 'text', text: 'Hi' },
      { type: 'error', error: { status: 503, message: 'The model is overloaded.', type: 'UNAVAILABLE' } },
    ]);
  });

  it('reports an empty stream and an unreadable chunk as errors', () => {
    expect(decodeSse('')).toEqual([
      { type: 'error', error: { status: 502, message: 'Gemini ended the stream without sending anything' } },
    ]);
    expect(decodeSse('data: {not json\r\n\r\n')).toEqual([
      { type: 'error', error: { status: 502, message: 'Gemini sent an unreadable stream chunk: {not json' } },
    ]);
  });
});
