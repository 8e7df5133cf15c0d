import type { FinishReason, TranslateContext } from '@optscale/protocol';
import { geminiFinishReason } from './finish-reason';
import { geminiProvider } from './index';
import { geminiUsage } from './usage';

const NOW_MS = 1_751_900_000_000;

function testContext(): TranslateContext {
  let n = 0;
  return { now: () => NOW_MS, newId: (prefix) => `${prefix}${++n}`, clientModel: 'client-model' };
}

describe('gemini parseChatResponse', () => {
  it('maps thoughts, text and function calls, with STOP + calls = tool_calls', () => {
    const response = geminiProvider.parseChatResponse(
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { text: 'Plan: ', thought: true },
                { text: 'call the tool.', thought: true },
                { text: 'Checking ' },
                { text: 'Paris.' },
                { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig-1' },
                { executableCode: { language: 'PYTHON', code: 'print(1)' } },
              ],
            },
            finishReason: 'STOP',
            index: 0,
          },
        ],
        usageMetadata: {
          promptTokenCount: 1000,
          cachedContentTokenCount: 800,
          toolUsePromptTokenCount: 20,
          candidatesTokenCount: 30,
          thoughtsTokenCount: 70,
          totalTokenCount: 1120,
        },
        modelVersion: 'gemini-2.5-pro',
        responseId: 'resp-1',
      },
      testContext(),
    );
    expect(response).toEqual({
      id: 'resp-1',
      model: 'gemini-2.5-pro',
      created: NOW_MS / 1000,
      content: [
        { type: 'reasoning', text: 'Plan: call the tool.' },
        { type: 'text', text: 'Checking Paris.' },
        {
          type: 'tool_call',
          id: 'call_1',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
          thoughtSignature: 'sig-1',
        },
        {
          type: 'opaque',
          dialect: 'gemini',
          value: { executableCode: { language: 'PYTHON', code: 'print(1)' } },
        },
      ],
      finishReason: 'tool_calls',
      usage: {
        inputTokens: 220,
        cacheReadTokens: 800,
        cacheWriteTokens: 0,
        outputTokens: 100,
        reasoningTokens: 70,
      },
    });
  });

  it('answers a blocked prompt with content_filter and no content', () => {
    expect(
      geminiProvider.parseChatResponse(
        {
          promptFeedback: { blockReason: 'SAFETY' },
          usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
        },
        testContext(),
      ),
    ).toEqual({
      id: 'gen_1',
      model: 'client-model',
      created: NOW_MS / 1000,
      content: [],
      finishReason: 'content_filter',
      usage: {
        inputTokens: 12,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: 0,
        reasoningTokens: 0,
      },
    });
  });
});

describe('gemini usage mapping', () => {
  it('keeps canonical input exclusive of cache and output inclusive of thoughts', () => {
    expect(
      geminiUsage({
        promptTokenCount: 61,
        candidatesTokenCount: 29,
        thoughtsTokenCount: 52,
        toolUsePromptTokenCount: 4,
        cachedContentTokenCount: 10,
        totalTokenCount: 146,
      }),
    ).toEqual({
      inputTokens: 55,
      cacheReadTokens: 10,
      cacheWriteTokens: 0,
      outputTokens: 81,
      reasoningTokens: 52,
    });
    expect(geminiUsage({})).toEqual({
      inputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
    expect(geminiUsage(undefined)).toBeUndefined();
  });
});

describe('gemini finish reasons (WIRE-FORMATS 5.3)', () => {
  it.each<[string | undefined, boolean, FinishReason]>([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    [undefined, true, 'tool_calls'],
    [undefined, false, 'stop'],
    ['MAX_TOKENS', false, 'length'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['LANGUAGE', false, 'content_filter'],
    ['RECITATION', false, 'stop'],
    ['OTHER', false, 'stop'],
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
    ['SOMETHING_NEW', false, 'stop'],
    ['constructor', false, 'stop'],
  ])('%s (function calls: %s) → %s', (reason, calls, expected) => {
    expect(geminiFinishReason(reason, calls)).toBe(expected);
  });
});
