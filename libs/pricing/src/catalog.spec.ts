import { CATALOG_DATA, CATALOG_VERSION } from './catalog-data';
import { PRICING_CATALOG, compileCatalog, familyOf, normalizeModelId, resolvePrices } from './catalog';
import { parsePricePerMillion } from './money';

const resolve = (
  providerType: string,
  model: string,
  overrides?: Parameters<typeof resolvePrices>[1]['overrides'],
) =>
  resolvePrices(
    PRICING_CATALOG,
    overrides === undefined ? { providerType, model } : { providerType, model, overrides },
  );

/** USD per million tokens as compiled. */
const perMillion = (usd: string): bigint => parsePricePerMillion(usd);

describe('the catalog', () => {
  it('is reviewed as data: every price change shows in this snapshot', () => {
    expect(CATALOG_DATA).toMatchSnapshot();
  });

  it('has a version of the form YYYY-MM-DD.N', () => {
    expect(CATALOG_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
    expect(CATALOG_DATA.version).toBe(CATALOG_VERSION);
  });

  it('cites a source for every entry and compiles (no malformed price, no name twice)', () => {
    for (const family of Object.values(CATALOG_DATA.families)) {
      for (const entry of family.models) expect(entry.source).toMatch(/^https:\/\//);
    }
    expect(() => compileCatalog(CATALOG_DATA)).not.toThrow();
  });

  it('refuses a model priced twice', () => {
    const entry = { model: 'm', source: 'https://example.com', prices: { input: '1', output: '2' } };
    const data = {
      version: 'x',
      families: {
        openai: { models: [entry, entry] },
        anthropic: { models: [] },
        gemini: { models: [] },
        ollama: { models: [] },
      },
    };
    expect(() => compileCatalog(data)).toThrow('priced twice');
  });
});

describe('resolvePrices: model names', () => {
  it.each([
    ['openai', 'gpt-4o', 'gpt-4o'],
    ['openai', 'gpt-4o-2024-08-06', 'gpt-4o'],
    ['openai', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['openai', 'GPT-4.1-mini', 'gpt-4.1-mini'],
    ['openai', 'o3-mini-2025-01-31', 'o3-mini'],
    ['openai', 'gpt-5-chat-latest', 'gpt-5'],
    ['azure-openai', 'gpt-4o-deployment', 'gpt-4o'],
    ['anthropic', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['anthropic', 'claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['anthropic', 'claude-opus-4-0', 'claude-opus-4'],
    ['anthropic', 'claude-3-5-haiku-latest', 'claude-3-5-haiku'],
    ['bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['bedrock', 'anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku'],
    ['gemini', 'models/gemini-2.5-flash', 'gemini-2.5-flash'],
    ['gemini', 'gemini-2.5-flash-lite-preview-06-17', 'gemini-2.5-flash-lite'],
  ])('%s %s → catalog %s', (providerType, model, matched) => {
    expect(resolve(providerType, model)).toMatchObject({ source: 'catalog', matched });
  });

  it('never takes a newer version for an older one: a wrong price is worse than none', () => {
    expect(resolve('anthropic', 'claude-opus-4-7')).toMatchObject({ source: 'unpriced', matched: null });
    expect(resolve('anthropic', 'claude-opus-4-7-20260101').source).toBe('unpriced');
    // '.' is not a boundary: gpt-5.2 is not gpt-5.
    expect(resolve('openai', 'gpt-5.2').source).toBe('unpriced');
  });

  it('leaves unknown models and unknown provider families unpriced, at zero', () => {
    const unknown = resolve('openai', 'my-finetune');
    expect(unknown).toMatchObject({ source: 'unpriced', matched: null, reference: null });
    expect(unknown.prices.base.input).toBe(0n);
    // An OpenAI-compatible server has its own prices: the OpenAI list does not apply to it.
    expect(resolve('openai-compatible', 'gpt-4o').source).toBe('unpriced');
  });

  it('prices every Ollama model at zero, from the catalog', () => {
    const r = resolve('ollama', 'qwen3:32b');
    expect(r.source).toBe('catalog');
    expect(r.prices.base).toMatchObject({ input: 0n, output: 0n, cacheRead: 0n });
  });

  it('maps provider types onto catalog families', () => {
    expect(familyOf('azure-openai')).toBe('openai');
    expect(familyOf('bedrock')).toBe('anthropic');
    expect(familyOf('openai-compatible')).toBeUndefined();
    expect(normalizeModelId('eu.anthropic.claude-haiku-4-5-20251001-v1:0')).toBe('claude-haiku-4-5-20251001');
  });
});

describe('resolvePrices: compiled prices', () => {
  it('fills defaults: Anthropic has both write TTLs, OpenAI writes cost input, reasoning bills as output', () => {
    expect(resolve('anthropic', 'claude-sonnet-4-5').prices.base).toEqual({
      input: perMillion('3'),
      output: perMillion('15'),
      cacheRead: perMillion('0.3'),
      cacheWrite5m: perMillion('3.75'),
      cacheWrite1h: perMillion('6'),
      reasoning: null,
    });
    expect(resolve('openai', 'gpt-4o').prices.base).toEqual({
      input: perMillion('2.5'),
      output: perMillion('10'),
      cacheRead: perMillion('1.25'),
      cacheWrite5m: perMillion('2.5'),
      cacheWrite1h: perMillion('2.5'),
      reasoning: null,
    });
  });

  it('carries long-context tiers', () => {
    expect(resolve('gemini', 'gemini-2.5-pro').prices.tiers).toEqual([
      {
        abovePromptTokens: 200_000,
        prices: {
          input: perMillion('2.5'),
          output: perMillion('15'),
          cacheRead: perMillion('0.25'),
          cacheWrite5m: perMillion('2.5'),
          cacheWrite1h: perMillion('2.5'),
          reasoning: null,
        },
      },
    ]);
    expect(resolve('openai', 'gpt-4o').prices.tiers).toEqual([]);
  });
});

describe('resolvePrices: organization overrides', () => {
  const providerPrice = { model: 'gpt-4o', input: '2', output: '8', cacheRead: '1', cacheWrite: null };
  const orgPrice = { model: 'gpt-4o-2024-08-06', input: '9', output: '9' };

  it('beat the catalog, and apply to dated snapshots by the same prefix rule', () => {
    const r = resolve('openai', 'gpt-4o-2024-11-20', [providerPrice]);
    expect(r).toMatchObject({ source: 'override', matched: 'gpt-4o', reference: null });
    expect(r.prices.base).toEqual({
      input: perMillion('2'),
      output: perMillion('8'),
      cacheRead: perMillion('1'),
      cacheWrite5m: perMillion('2'),
      cacheWrite1h: perMillion('2'),
      reasoning: null,
    });
    expect(r.prices.tiers).toEqual([]);
  });

  it('an exact model match beats a prefix match; among equals the first (most specific) wins', () => {
    expect(resolve('openai', 'gpt-4o-2024-08-06', [providerPrice, orgPrice]).matched).toBe(
      'gpt-4o-2024-08-06',
    );
    const first = { model: 'gpt-4o', input: '1', output: '1' };
    expect(resolve('openai', 'gpt-4o', [first, providerPrice]).prices.base.input).toBe(perMillion('1'));
  });

  it('price models the catalog does not know, on any provider type', () => {
    const r = resolve('openai-compatible', 'deepseek-chat', [
      { model: 'deepseek-chat', input: '0.27', output: '1.1' },
    ]);
    expect(r.source).toBe('override');
    expect(r.prices.base.output).toBe(perMillion('1.1'));
  });

  it('accept the ten decimals of the NUMERIC(20,10) column exactly', () => {
    const r = resolve('openai', 'x', [
      { model: 'x', input: '0.0000000001', output: '9999999999.9999999999' },
    ]);
    expect(r.prices.base.input).toBe(100n);
    expect(r.prices.base.output).toBe(9_999_999_999_999_999_999_900n);
  });
});
