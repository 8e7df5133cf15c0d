import type { TranslateContext } from '@optscale/protocol';
import { readJsonFixture } from '../../../protocol/src/testing/fixtures';
import { ollamaProvider } from './index';

const NOW_MS = 1_751_900_000_000;

function testContext(): TranslateContext {
  let n = 0;
  return { now: () => NOW_MS, newId: (prefix) => `${prefix}${++n}`, clientModel: 'client-model' };
}

describe('ollama parseChatResponse', () => {
  it('maps thinking, content, tool calls (stringified, ids made when absent) and usage', () => {
    expect(
      ollamaProvider.parseChatResponse(
        {
          model: 'qwen3:8b',
          created_at: '2025-07-07T20:22:19.193Z',
          message: {
            role: 'assistant',
            content: 'Let me check.',
            thinking: 'Need the tool.',
            tool_calls: [
              { function: { index: 0, name: 'get_weather', arguments: { city: 'Tokyo' } } },
              { id: 'call_x', function: { index: 1, name: 'get_time', arguments: { tz: 'JST' } } },
            ],
          },
          done: true,
          done_reason: 'stop',
          prompt_eval_count: 169,
          eval_count: 15,
        },
        testContext(),
      ),
    ).toEqual({
      id: 'gen_2',
      model: 'qwen3:8b',
      created: 1751919739,
      content: [
        { type: 'reasoning', text: 'Need the tool.' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
        { type: 'tool_call', id: 'call_x', name: 'get_time', arguments: '{"tz":"JST"}' },
      ],
      finishReason: 'tool_calls',
      usage: {
        inputTokens: 169,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 15,
        reasoningTokens: 0,
      },
    });
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['load', 'stop'],
    [undefined, 'stop'],
  ])('done_reason %s → %s', (doneReason, expected) => {
    const response = ollamaProvider.parseChatResponse(
      { model: 'm', message: { role: 'assistant', content: 'x' }, done: true, done_reason: doneReason },
      testContext(),
    );
    expect(response.finishReason).toBe(expected);
  });
});

describe('ollama parseError', () => {
  const fixtures = (
    readJsonFixture('errors_models_misc.json') as {
      ollama: Record<string, { status: number; body: unknown }>;
    }
  ).ollama;

  it('reads the native {"error": "..."} fixture with its HTTP status', () => {
    const fixture = fixtures.error_json!;
    const body = JSON.stringify(fixture.body);
    expect(ollamaProvider.parseError(fixture.status, {}, body)).toEqual({
      status: 404,
      message: 'model "llama9" not found, try pulling it first',
      body,
    });
  });

  it('reads the OpenAI-compatible envelope fixture too, and keeps retry-after', () => {
    const fixture = fixtures.openai_compat_error!;
    const body = JSON.stringify(fixture.body);
    expect(ollamaProvider.parseError(fixture.status, { 'retry-after': '5' }, body)).toEqual({
      status: 404,
      message: 'model "llama9" not found, try pulling it first',
      type: 'not_found_error',
      retryAfter: '5',
      body,
    });
  });

  it('keeps non-JSON bodies as the message', () => {
    expect(ollamaProvider.parseError(502, {}, 'upstream connect error\n')).toEqual({
      status: 502,
      message: 'upstream connect error',
      body: 'upstream connect error\n',
    });
  });
});
