import { mergeUsage, ZERO_USAGE } from '../canonical/model';
import { decodeAnthropicUsage } from './usage';

describe('decodeAnthropicUsage', () => {
  it('keeps input without the cache (Anthropic input_tokens already excludes reads and writes)', () => {
    expect(
      decodeAnthropicUsage({
        input_tokens: 58,
        cache_creation_input_tokens: 3000,
        cache_read_input_tokens: 1024,
        cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 1000 },
        output_tokens: 89,
      }),
    ).toEqual({
      inputTokens: 58,
      cacheReadTokens: 1024,
      cacheWriteTokens: 3000,
      cacheWrite1hTokens: 1000,
      outputTokens: 89,
    });
  });

  it('has no 1 hour count when the provider sends no split, or a split without 1 hour writes', () => {
    expect(decodeAnthropicUsage({ input_tokens: 1, cache_creation_input_tokens: 5 })).not.toHaveProperty(
      'cacheWrite1hTokens',
    );
    expect(
      decodeAnthropicUsage({
        cache_creation_input_tokens: 5,
        cache_creation: { ephemeral_5m_input_tokens: 5, ephemeral_1h_input_tokens: 0 },
      }),
    ).not.toHaveProperty('cacheWrite1hTokens');
  });

  it('a later cumulative update without the split keeps the 1 hour count of message_start', () => {
    const start = mergeUsage(
      { ...ZERO_USAGE },
      decodeAnthropicUsage({
        input_tokens: 10,
        cache_creation_input_tokens: 100,
        cache_creation: { ephemeral_5m_input_tokens: 40, ephemeral_1h_input_tokens: 60 },
        output_tokens: 1,
      }),
    );
    const end = mergeUsage(start, decodeAnthropicUsage({ output_tokens: 42 }));
    expect(end).toEqual({
      inputTokens: 10,
      cacheReadTokens: 0,
      cacheWriteTokens: 100,
      cacheWrite1hTokens: 60,
      outputTokens: 42,
      reasoningTokens: 0,
    });
    expect(mergeUsage({ ...ZERO_USAGE }, { outputTokens: 1 })).not.toHaveProperty('cacheWrite1hTokens');
  });
});
