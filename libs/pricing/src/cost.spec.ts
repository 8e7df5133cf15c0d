import { PRICING_CATALOG, compileOverride, resolvePrices } from './catalog';
import { costOf, worstCaseCost, type PricedUsage } from './cost';
import { formatUsd, parseUsd } from './money';

/*
 * Expected costs are worked out by hand from the list prices (USD per million tokens) and written
 * as decimal dollars, never computed by the code under test.
 */

const catalogPrices = (providerType: string, model: string) =>
  resolvePrices(PRICING_CATALOG, { providerType, model }).prices;

const usage = (u: Partial<PricedUsage>): PricedUsage => ({
  inputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  ...u,
});

describe('costOf', () => {
  it('gpt-4o with a cache hit: input, cached input and output at their prices', () => {
    // 1000 × 2.50 + 500 × 1.25 + 200 × 10.00 (per million) = 0.0025 + 0.000625 + 0.002
    const cost = costOf(
      usage({ inputTokens: 1000, cacheReadTokens: 500, outputTokens: 200 }),
      catalogPrices('openai', 'gpt-4o'),
    );
    expect(formatUsd(cost.nanos)).toBe('0.005125000');
    expect(cost.breakdown.tier).toBeNull();
  });

  it('reasoning tokens are output tokens (billed once, at the output price)', () => {
    // o4-mini: 100 × 1.10 + 1000 × 4.40 = 0.00011 + 0.0044, of which 800 were reasoning
    const cost = costOf(
      usage({ inputTokens: 100, outputTokens: 1000, reasoningTokens: 800 }),
      catalogPrices('openai', 'o4-mini'),
    );
    expect(cost.nanos).toBe(parseUsd('0.00451'));
    expect(cost.breakdown.reasoning).toBe(0n);
  });

  it('Claude Sonnet 4.5: cache writes split into 5 minute and 1 hour TTLs', () => {
    // 100 × 3 + 1000 × 0.30 + 2000 × 3.75 (5m) + 1000 × 6 (1h) + 500 × 15
    // = 0.0003 + 0.0003 + 0.0075 + 0.006 + 0.0075 = 0.0216
    const cost = costOf(
      usage({
        inputTokens: 100,
        cacheReadTokens: 1000,
        cacheWriteTokens: 3000,
        cacheWrite1hTokens: 1000,
        outputTokens: 500,
      }),
      catalogPrices('anthropic', 'claude-sonnet-4-5-20250929'),
    );
    expect(formatUsd(cost.nanos)).toBe('0.021600000');
    expect(cost.breakdown.cacheWrite1h).toBe(parseUsd('0.006') * 1_000_000_000n);
  });

  it('without a 1 hour count every cache write is a 5 minute one', () => {
    // claude-haiku-4-5: 1000 × 1.25 = 0.00125
    const cost = costOf(usage({ cacheWriteTokens: 1000 }), catalogPrices('anthropic', 'claude-haiku-4-5'));
    expect(formatUsd(cost.nanos)).toBe('0.001250000');
  });

  it('applies the long-context tier to the whole request only above 200k prompt tokens (cache included)', () => {
    const sonnet = catalogPrices('anthropic', 'claude-sonnet-4-5');
    // At 200 000: base prices. 200000 × 3 + 1000 × 15 = 0.6 + 0.015
    expect(formatUsd(costOf(usage({ inputTokens: 200_000, outputTokens: 1000 }), sonnet).nanos)).toBe(
      '0.615000000',
    );
    // 200 001 prompt tokens: all at the tier. 1 × 6 + 150000 × 0.6 + 50000 × 7.5 + 1000 × 22.5
    // = 0.000006 + 0.09 + 0.375 + 0.0225 = 0.487506
    const long = costOf(
      usage({ inputTokens: 1, cacheReadTokens: 150_000, cacheWriteTokens: 50_000, outputTokens: 1000 }),
      sonnet,
    );
    expect(formatUsd(long.nanos)).toBe('0.487506000');
    expect(long.breakdown.tier).toBe(200_000);
    // Gemini 2.5 Pro: 150000 × 2.5 + 60000 × 0.25 + 2000 × 15 = 0.375 + 0.015 + 0.03
    const gemini = costOf(
      usage({ inputTokens: 150_000, cacheReadTokens: 60_000, outputTokens: 2000 }),
      catalogPrices('gemini', 'gemini-2.5-pro'),
    );
    expect(formatUsd(gemini.nanos)).toBe('0.420000000');
  });

  it('rounds half up once per request, from the exact sum', () => {
    const half = compileOverride({ model: 'x', input: '0.0005', output: '0.0005' });
    // 1 token × 0.0005 per million = 0.5 nano → 1
    expect(costOf(usage({ inputTokens: 1 }), half).nanos).toBe(1n);
    // 0.5 + 0.5 nano = exactly 1 (rounding each part would give 2)
    expect(costOf(usage({ inputTokens: 1, outputTokens: 1 }), half).nanos).toBe(1n);
    const under = compileOverride({ model: 'x', input: '0.0004', output: '0' });
    expect(costOf(usage({ inputTokens: 1 }), under).nanos).toBe(0n);
    // 3 × 0.0005 = 1.5 nano → 2
    expect(costOf(usage({ inputTokens: 3 }), half).nanos).toBe(2n);
  });

  it('stays exact where floats would not: a billion tokens at a ten-decimal price', () => {
    const p = compileOverride({ model: 'x', input: '0.1234567891', output: '0' });
    // 1e9 × 0.1234567891 / 1e6 = 123.4567891 USD
    expect(formatUsd(costOf(usage({ inputTokens: 1_000_000_000 }), p).nanos)).toBe('123.456789100');
  });

  it('costs nothing when unpriced or free', () => {
    const u = usage({ inputTokens: 1000, outputTokens: 1000 });
    expect(costOf(u, catalogPrices('openai', 'unknown-model')).nanos).toBe(0n);
    expect(costOf(u, catalogPrices('ollama', 'llama3.2')).nanos).toBe(0n);
  });

  it('prices reasoning separately only when a sheet says so', () => {
    const p = {
      base: {
        input: 0n,
        output: 2_000_000_000_000n,
        cacheRead: 0n,
        cacheWrite5m: 0n,
        cacheWrite1h: 0n,
        reasoning: 3_000_000_000_000n,
      },
      tiers: [],
    };
    // 1000 output of which 400 reasoning: 600 × 2 + 400 × 3 = 0.0012 + 0.0012
    expect(formatUsd(costOf(usage({ outputTokens: 1000, reasoningTokens: 400 }), p).nanos)).toBe(
      '0.002400000',
    );
  });
});

describe('worstCaseCost', () => {
  it('is the whole prompt at the input price plus every possible output token', () => {
    // gpt-4o: 1000 × 2.5 + 1000 × 10 = 0.0025 + 0.01
    expect(
      formatUsd(
        worstCaseCost({ promptTokens: 1000, maxOutputTokens: 1000 }, catalogPrices('openai', 'gpt-4o')),
      ),
    ).toBe('0.012500000');
  });

  it('uses the tier the prompt falls in', () => {
    // gemini-2.5-pro above 200k: 250000 × 2.5 + 8192 × 15 = 0.625 + 0.12288
    expect(
      formatUsd(
        worstCaseCost(
          { promptTokens: 250_000, maxOutputTokens: 8192 },
          catalogPrices('gemini', 'gemini-2.5-pro'),
        ),
      ),
    ).toBe('0.747880000');
  });

  it('rounds up so a reservation never falls short', () => {
    const p = compileOverride({ model: 'x', input: '0.0004', output: '0' });
    expect(worstCaseCost({ promptTokens: 1, maxOutputTokens: 0 }, p)).toBe(1n);
  });

  it('is never below the final cost of a request within its bounds (no cache writes)', () => {
    const prices = catalogPrices('anthropic', 'claude-sonnet-4-5');
    const bound = worstCaseCost({ promptTokens: 5000, maxOutputTokens: 2000 }, prices);
    for (const u of [
      usage({ inputTokens: 5000, outputTokens: 2000 }),
      usage({ inputTokens: 1000, cacheReadTokens: 4000, outputTokens: 2000, reasoningTokens: 1500 }),
      usage({ inputTokens: 5000, outputTokens: 1 }),
    ]) {
      expect(costOf(u, prices).nanos).toBeLessThanOrEqual(bound);
    }
  });
});
