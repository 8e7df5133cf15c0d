import { decodeOpenAIUsage, encodeOpenAIUsage } from './usage';

describe('OpenAI usage mapping', () => {
  it('subtracts cached and cache-write tokens from prompt_tokens', () => {
    expect(
      decodeOpenAIUsage({
        prompt_tokens: 182,
        completion_tokens: 36,
        total_tokens: 218,
        prompt_tokens_details: { cached_tokens: 128, cache_write_tokens: 20 },
        completion_tokens_details: { reasoning_tokens: 12 },
      }),
    ).toEqual({
      inputTokens: 34,
      cacheReadTokens: 128,
      cacheWriteTokens: 20,
      outputTokens: 36,
      reasoningTokens: 12,
    });
  });

  it('reads DeepSeek and LiteLLM cache fields and never goes negative', () => {
    expect(
      decodeOpenAIUsage({ prompt_tokens: 10, completion_tokens: 1, prompt_cache_hit_tokens: 4 }),
    ).toMatchObject({
      inputTokens: 6,
      cacheReadTokens: 4,
    });
    expect(
      decodeOpenAIUsage({
        prompt_tokens: 5,
        prompt_tokens_details: { cached_tokens: 9, cache_creation_tokens: 2 },
      }),
    ).toMatchObject({ inputTokens: 0, cacheReadTokens: 9, cacheWriteTokens: 2 });
    expect(decodeOpenAIUsage(null)).toBeUndefined();
  });

  it('encodes prompt_tokens as input + cache reads + cache writes', () => {
    const usage = {
      inputTokens: 54,
      cacheReadTokens: 128,
      cacheWriteTokens: 0,
      outputTokens: 36,
      reasoningTokens: 3,
    };
    const encoded = encodeOpenAIUsage(usage);
    expect(encoded.prompt_tokens).toBe(182);
    expect(encoded.total_tokens).toBe(218);
    expect(encoded.prompt_tokens_details).toEqual({ cached_tokens: 128, audio_tokens: 0 });
    expect(encoded.completion_tokens_details.reasoning_tokens).toBe(3);
    expect(decodeOpenAIUsage(encoded)).toEqual(usage);
    const withWrites = encodeOpenAIUsage({ ...usage, cacheWriteTokens: 7 });
    expect(withWrites.prompt_tokens).toBe(189);
    expect(withWrites.prompt_tokens_details.cache_write_tokens).toBe(7);
  });
});
