/**
 * `@optscale/pricing`: invoice-grade request costs, pure (no I/O). A versioned price catalog as data
 * (catalog-data.ts), the model-name resolution rule and organization overrides (catalog.ts), exact
 * integer cost arithmetic (cost.ts, money.ts).
 */
export { CATALOG_DATA, CATALOG_VERSION } from './catalog-data';
export { PRICING_FAMILIES } from './catalog-types';
export type {
  CatalogEntry,
  CatalogFamily,
  PriceSheet,
  PriceTier,
  PricingCatalogData,
  PricingFamily,
} from './catalog-types';
export {
  PRICING_CATALOG,
  ZERO_PRICES,
  compileCatalog,
  compileOverride,
  compileSheet,
  familyOf,
  matchModel,
  normalizeModelId,
  resolvePrices,
} from './catalog';
export type {
  CompiledCatalog,
  CompiledTier,
  ModelPrices,
  PriceOverride,
  PriceSource,
  ResolveQuery,
  ResolvedPrices,
  TokenPrices,
} from './catalog';
export { costOf, pricesForPrompt, worstCaseCost } from './cost';
export type { Cost, CostBreakdown, PricedUsage, WorstCaseQuery } from './cost';
export {
  ATTO_PER_NANO,
  PRICE_DECIMALS,
  USD_DECIMALS,
  attoToNanos,
  attoToNanosCeil,
  formatUsd,
  parsePricePerMillion,
  parseScaledDecimal,
  parseUsd,
} from './money';
