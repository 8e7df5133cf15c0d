import { NdjsonSplitter, type StreamEvent, type TranslateContext } from '@optscale/protocol';
import { readFixture, readJsonFixture } from '../../../protocol/src/testing/fixtures';
import { ollamaProvider } from './index';

const NOW_MS = 1_751_900_000_000;

function testContext(): TranslateContext {
  let n = 0;
  return { now: () => NOW_MS, newId: (prefix) => `${prefix}${++n}`, clientModel: 'client-model' };
}

/** Split raw NDJSON the way the gateway does (`{data: line}` per line), then decode. */
function decodeNdjson(text: string): StreamEvent[] {
  const splitter = new NdjsonSplitter();
  const decoder = ollamaProvider.createStreamDecoder(testContext());
  const lines = [...splitter.push(text), ...splitter.end()];
  return [...lines.flatMap((data) => decoder.push({ data })), ...decoder.end()];
}

function ndjson(...lines: unknown[]): string {
  return lines.map((l) => JSON.stringify(l) + '\n').join('');
}

describe('ollama stream decoder', () => {
  it('decodes the tool-call fixture to exact canonical events', () => {
    expect(decodeNdjson(readFixture('ollama_chat_stream_tool_call.ndjson'))).toEqual([
      // created_at 2025-07-07T20:22:19.101Z
      { type: 'start', id: 'gen_1', model: 'qwen3:8b', created: 1751919739 },
      { type: 'reasoning', text: 'User wants weather for Tokyo; call get_weather.' },
      { type: 'tool_call_start', index: 0, id: 'call_k2j3h4', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, arguments: '{"city":"Tokyo"}' },
      {
        type: 'usage',
        usage: {
          inputTokens: 169,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 15,
          reasoningTokens: 0,
        },
      },
      // done_reason "stop" after a tool call
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('streams text, makes ids for id-less calls, maps length, and zero-fills a missing prompt_eval_count', () => {
    expect(
      decodeNdjson(
        ndjson(
          { model: 'm', message: { role: 'assistant', content: 'Hel' }, done: false },
          { model: 'm', message: { role: 'assistant', content: 'lo' }, done: false },
          {
            model: 'm',
            message: {
              role: 'assistant',
              content: '',
              tool_calls: [{ function: { name: 'f', arguments: {} } }],
            },
            done: false,
          },
          {
            model: 'm',
            message: { role: 'assistant', content: '' },
            done: true,
            done_reason: 'length',
            eval_count: 9,
          },
        ),
      ),
    ).toEqual([
      { type: 'start', id: 'gen_1', model: 'm', created: NOW_MS / 1000 },
      { type: 'text', text: 'Hel' },
      { type: 'text', text: 'lo' },
      { type: 'tool_call_start', index: 0, id: 'call_2', name: 'f' },
      { type: 'tool_call_delta', index: 0, arguments: '{}' },
      {
        type: 'usage',
        usage: {
          inputTokens: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 9,
          reasoningTokens: 0,
        },
      },
      { type: 'finish', reason: 'length' },
    ]);
  });

  it('turns the fixture mid-stream error line into an error event with status 500', () => {
    const errorLine = (
      readJsonFixture('errors_models_misc.json') as { ollama: { mid_stream_error_ndjson_line: string } }
    ).ollama.mid_stream_error_ndjson_line;
    const events = decodeNdjson(
      ndjson({ model: 'm', message: { role: 'assistant', content: 'Hi' }, done: false }) +
        errorLine +
        ndjson({ model: 'm', message: { role: 'assistant', content: 'ignored' }, done: true }),
    );
    expect(events.slice(1)).toEqual([
      { type: 'text', text: 'Hi' },
      { type: 'error', error: { status: 500, message: 'an error was encountered while running the model' } },
    ]);
  });

  it('synthesizes a finish at EOF without done, and reports an empty stream', () => {
    expect(
      decodeNdjson(ndjson({ model: 'm', message: { role: 'assistant', content: 'Hi' }, done: false })),
    ).toEqual([
      { type: 'start', id: 'gen_1', model: 'm', created: NOW_MS / 1000 },
      { type: 'text', text: 'Hi' },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(decodeNdjson('')).toEqual([
      { type: 'error', error: { status: 502, message: 'Ollama ended the stream without sending anything' } },
    ]);
  });
});
