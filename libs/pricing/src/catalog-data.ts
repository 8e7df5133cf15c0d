import type { PricingCatalogData } from './catalog-types';

/*
 * The built-in pricing catalog: public list prices, USD per million tokens, standard (not batch,
 * not priority) tier. Every change bumps CATALOG_VERSION and shows in the snapshot test
 * (catalog.spec.ts), so that price changes are reviewed like code.
 *
 * Not modelled, on purpose (the usage model carries no such split): audio and image token prices,
 * Gemini's context-cache storage per hour, Bedrock regional surcharges, batch and flex discounts.
 */

/** The version of the built-in catalog, written on every priced request event. */
export const CATALOG_VERSION = '2026-11-21.1';

const OPENAI = 'https://platform.openai.com/docs/pricing';
const ANTHROPIC = 'https://docs.claude.com/en/docs/about-claude/pricing';
const GEMINI = 'https://ai.google.dev/gemini-api/docs/pricing';

/** Anthropic's multipliers on the base input price: 5 min write ×1.25, 1 h write ×2, read ×0.1. */
const claude = (input: string, write5m: string, write1h: string, read: string, output: string) => ({
  input,
  cacheWrite5m: write5m,
  cacheWrite1h: write1h,
  cacheRead: read,
  output,
});

/** Claude Sonnet 4.x with the 1M context window: above 200k prompt tokens the whole request costs more. */
const SONNET_4_LONG_CONTEXT = [
  { abovePromptTokens: 200_000, prices: claude('6', '7.5', '12', '0.6', '22.5') },
] as const;

export const CATALOG_DATA = {
  version: CATALOG_VERSION,
  families: {
    openai: {
      models: [
        { model: 'gpt-5', source: OPENAI, prices: { input: '1.25', cacheRead: '0.125', output: '10' } },
        { model: 'gpt-5.1', source: OPENAI, prices: { input: '1.25', cacheRead: '0.125', output: '10' } },
        { model: 'gpt-5-mini', source: OPENAI, prices: { input: '0.25', cacheRead: '0.025', output: '2' } },
        { model: 'gpt-5-nano', source: OPENAI, prices: { input: '0.05', cacheRead: '0.005', output: '0.4' } },
        { model: 'gpt-5-pro', source: OPENAI, prices: { input: '15', output: '120' } },
        { model: 'gpt-4.1', source: OPENAI, prices: { input: '2', cacheRead: '0.5', output: '8' } },
        { model: 'gpt-4.1-mini', source: OPENAI, prices: { input: '0.4', cacheRead: '0.1', output: '1.6' } },
        {
          model: 'gpt-4.1-nano',
          source: OPENAI,
          prices: { input: '0.1', cacheRead: '0.025', output: '0.4' },
        },
        { model: 'gpt-4o', source: OPENAI, prices: { input: '2.5', cacheRead: '1.25', output: '10' } },
        {
          model: 'gpt-4o-mini',
          source: OPENAI,
          prices: { input: '0.15', cacheRead: '0.075', output: '0.6' },
        },
        { model: 'o1', source: OPENAI, prices: { input: '15', cacheRead: '7.5', output: '60' } },
        { model: 'o1-mini', source: OPENAI, prices: { input: '1.1', cacheRead: '0.55', output: '4.4' } },
        { model: 'o3', source: OPENAI, prices: { input: '2', cacheRead: '0.5', output: '8' } },
        { model: 'o3-mini', source: OPENAI, prices: { input: '1.1', cacheRead: '0.55', output: '4.4' } },
        { model: 'o3-pro', source: OPENAI, prices: { input: '20', output: '80' } },
        { model: 'o4-mini', source: OPENAI, prices: { input: '1.1', cacheRead: '0.275', output: '4.4' } },
        { model: 'text-embedding-3-small', source: OPENAI, prices: { input: '0.02', output: '0' } },
        { model: 'text-embedding-3-large', source: OPENAI, prices: { input: '0.13', output: '0' } },
        { model: 'text-embedding-ada-002', source: OPENAI, prices: { input: '0.1', output: '0' } },
      ],
    },
    anthropic: {
      models: [
        { model: 'claude-opus-4-6', source: ANTHROPIC, prices: claude('5', '6.25', '10', '0.5', '25') },
        { model: 'claude-opus-4-5', source: ANTHROPIC, prices: claude('5', '6.25', '10', '0.5', '25') },
        { model: 'claude-opus-4-1', source: ANTHROPIC, prices: claude('15', '18.75', '30', '1.5', '75') },
        {
          model: 'claude-opus-4',
          aliases: ['claude-opus-4-0'],
          source: ANTHROPIC,
          prices: claude('15', '18.75', '30', '1.5', '75'),
        },
        {
          model: 'claude-sonnet-4-6',
          source: ANTHROPIC,
          prices: claude('3', '3.75', '6', '0.3', '15'),
          tiers: SONNET_4_LONG_CONTEXT,
        },
        {
          model: 'claude-sonnet-4-5',
          source: ANTHROPIC,
          prices: claude('3', '3.75', '6', '0.3', '15'),
          tiers: SONNET_4_LONG_CONTEXT,
        },
        {
          model: 'claude-sonnet-4',
          aliases: ['claude-sonnet-4-0'],
          source: ANTHROPIC,
          prices: claude('3', '3.75', '6', '0.3', '15'),
          tiers: SONNET_4_LONG_CONTEXT,
        },
        { model: 'claude-3-7-sonnet', source: ANTHROPIC, prices: claude('3', '3.75', '6', '0.3', '15') },
        { model: 'claude-haiku-4-5', source: ANTHROPIC, prices: claude('1', '1.25', '2', '0.1', '5') },
        { model: 'claude-3-5-haiku', source: ANTHROPIC, prices: claude('0.8', '1', '1.6', '0.08', '4') },
        { model: 'claude-3-haiku', source: ANTHROPIC, prices: claude('0.25', '0.3', '0.5', '0.03', '1.25') },
      ],
    },
    gemini: {
      models: [
        {
          model: 'gemini-2.5-pro',
          source: GEMINI,
          prices: { input: '1.25', cacheRead: '0.125', output: '10' },
          tiers: [{ abovePromptTokens: 200_000, prices: { input: '2.5', cacheRead: '0.25', output: '15' } }],
        },
        {
          model: 'gemini-2.5-flash',
          source: GEMINI,
          prices: { input: '0.3', cacheRead: '0.03', output: '2.5' },
        },
        {
          model: 'gemini-2.5-flash-lite',
          source: GEMINI,
          prices: { input: '0.1', cacheRead: '0.01', output: '0.4' },
        },
        {
          model: 'gemini-2.0-flash',
          source: GEMINI,
          prices: { input: '0.1', cacheRead: '0.025', output: '0.4' },
        },
        { model: 'gemini-2.0-flash-lite', source: GEMINI, prices: { input: '0.075', output: '0.3' } },
        { model: 'gemini-embedding-001', source: GEMINI, prices: { input: '0.15', output: '0' } },
        { model: 'text-embedding-004', source: GEMINI, prices: { input: '0', output: '0' } },
      ],
    },
    ollama: {
      free: { source: 'https://github.com/ollama/ollama (self-hosted: no per-token charge)' },
      models: [],
    },
  },
} as const satisfies PricingCatalogData;
