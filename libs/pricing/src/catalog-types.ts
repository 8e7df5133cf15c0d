/*
 * The shape of the pricing catalog as data. Prices are decimal strings in USD per million tokens,
 * exactly as the providers publish them; they become integers only when compiled (catalog.ts).
 */

/**
 * One set of prices, USD per million tokens. Optional prices default when compiled, so that the
 * data says only what the provider's price list says:
 * - `cacheRead` absent: cache reads cost `input` (no discount known);
 * - `cacheWrite5m` absent: cache writes cost `input` (OpenAI and Gemini charge nothing extra for
 *   implicit caching; their usage reports no writes anyway);
 * - `cacheWrite1h` absent: `cacheWrite5m` (only Anthropic distinguishes the 1 hour TTL);
 * - `reasoning` absent: reasoning tokens are billed as output tokens, which is how every provider in
 *   the catalog bills them today (they are part of `outputTokens` in the usage model).
 */
export interface PriceSheet {
  input: string;
  output: string;
  cacheRead?: string;
  cacheWrite5m?: string;
  cacheWrite1h?: string;
  reasoning?: string;
}

/**
 * Long-context pricing: the tier's sheet applies to the WHOLE request when its prompt (input + cache
 * reads + cache writes) is above `abovePromptTokens` (Gemini 2.5 Pro, Claude Sonnet 4.x: 200k).
 */
export interface PriceTier {
  abovePromptTokens: number;
  prices: PriceSheet;
}

export interface CatalogEntry {
  /** The canonical model id, lower case, without date suffix (`gpt-4o`, `claude-sonnet-4-5`). */
  model: string;
  /** Other names of the same model that the prefix rule cannot reach (`claude-opus-4-0`). */
  aliases?: readonly string[];
  /** Where the prices were read. */
  source: string;
  prices: PriceSheet;
  tiers?: readonly PriceTier[];
}

/** The provider families the catalog knows; provider types map onto them (`familyOf`). */
export const PRICING_FAMILIES = ['openai', 'anthropic', 'gemini', 'ollama'] as const;
export type PricingFamily = (typeof PRICING_FAMILIES)[number];

export interface CatalogFamily {
  /** Every model of the family costs nothing (self-hosted: Ollama). */
  free?: { source: string };
  models: readonly CatalogEntry[];
}

export interface PricingCatalogData {
  /** `YYYY-MM-DD.N`: the day the prices were checked, and a counter for same-day changes. */
  version: string;
  families: Record<PricingFamily, CatalogFamily>;
}
