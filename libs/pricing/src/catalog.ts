import { CATALOG_DATA } from './catalog-data';
import type { CatalogEntry, PriceSheet, PricingCatalogData, PricingFamily } from './catalog-types';
import { parsePricePerMillion } from './money';

/** Compiled prices: atto-dollars per token (= USD per million tokens × 1e12), see money.ts. */
export interface TokenPrices {
  input: bigint;
  output: bigint;
  cacheRead: bigint;
  cacheWrite5m: bigint;
  cacheWrite1h: bigint;
  /** Null: reasoning tokens are billed as output (the normal case). */
  reasoning: bigint | null;
}

export interface CompiledTier {
  abovePromptTokens: number;
  prices: TokenPrices;
}

/** What a request is priced with: base prices, and long-context tiers by ascending threshold. */
export interface ModelPrices {
  base: TokenPrices;
  tiers: readonly CompiledTier[];
}

export type PriceSource = 'catalog' | 'override' | 'unpriced';

export interface ResolvedPrices {
  prices: ModelPrices;
  source: PriceSource;
  /** The catalog id or override model that matched; null when unpriced. */
  matched: string | null;
  /** Where the catalog price was read (its URL); null for overrides and unpriced. */
  reference: string | null;
}

interface CompiledEntry {
  model: string;
  source: string;
  prices: ModelPrices;
}

interface CompiledFamily {
  free: { source: string } | undefined;
  /** Model id and aliases → entry. */
  byName: ReadonlyMap<string, CompiledEntry>;
}

export interface CompiledCatalog {
  version: string;
  families: Readonly<Record<PricingFamily, CompiledFamily>>;
}

/** An organization's price for a model (decimal strings, USD per million tokens), from the control plane. */
export interface PriceOverride {
  model: string;
  input: string;
  output: string;
  /** Null or absent: cache reads cost `input`. */
  cacheRead?: string | null;
  /** Null or absent: cache writes (5 min and 1 h alike) cost `input`. */
  cacheWrite?: string | null;
}

export const ZERO_PRICES: ModelPrices = Object.freeze({
  base: Object.freeze({
    input: 0n,
    output: 0n,
    cacheRead: 0n,
    cacheWrite5m: 0n,
    cacheWrite1h: 0n,
    reasoning: null,
  }),
  tiers: Object.freeze([]),
});

export function compileSheet(sheet: PriceSheet): TokenPrices {
  const input = parsePricePerMillion(sheet.input);
  const cacheWrite5m = sheet.cacheWrite5m !== undefined ? parsePricePerMillion(sheet.cacheWrite5m) : input;
  return {
    input,
    output: parsePricePerMillion(sheet.output),
    cacheRead: sheet.cacheRead !== undefined ? parsePricePerMillion(sheet.cacheRead) : input,
    cacheWrite5m,
    cacheWrite1h: sheet.cacheWrite1h !== undefined ? parsePricePerMillion(sheet.cacheWrite1h) : cacheWrite5m,
    reasoning: sheet.reasoning !== undefined ? parsePricePerMillion(sheet.reasoning) : null,
  };
}

function compileEntry(entry: CatalogEntry): CompiledEntry {
  const tiers = [...(entry.tiers ?? [])]
    .sort((a, b) => a.abovePromptTokens - b.abovePromptTokens)
    .map((tier) => ({ abovePromptTokens: tier.abovePromptTokens, prices: compileSheet(tier.prices) }));
  return { model: entry.model, source: entry.source, prices: { base: compileSheet(entry.prices), tiers } };
}

/** Parses every price once; throws on a malformed price or a name used twice in a family. */
export function compileCatalog(data: PricingCatalogData): CompiledCatalog {
  const families = {} as Record<PricingFamily, CompiledFamily>;
  for (const [family, definition] of Object.entries(data.families) as Array<
    [PricingFamily, PricingCatalogData['families'][PricingFamily]]
  >) {
    const byName = new Map<string, CompiledEntry>();
    for (const entry of definition.models) {
      const compiled = compileEntry(entry);
      for (const name of [entry.model, ...(entry.aliases ?? [])]) {
        if (name !== name.toLowerCase()) throw new Error(`${family}: "${name}" must be lower case`);
        if (byName.has(name)) throw new Error(`${family}: "${name}" is priced twice`);
        byName.set(name, compiled);
      }
    }
    families[family] = { free: definition.free, byName };
  }
  return { version: data.version, families };
}

/** The built-in catalog, compiled once. */
export const PRICING_CATALOG: CompiledCatalog = compileCatalog(CATALOG_DATA);

/**
 * The catalog family of a provider type (libs/contracts `ProviderApiType`, plus `bedrock` and
 * `azure`): Azure OpenAI serves OpenAI's models, Bedrock Anthropic's. `openai-compatible` servers
 * (vLLM, OpenRouter, DeepSeek, ...) have their own prices, unknown here: only overrides price them.
 */
export function familyOf(providerType: string): PricingFamily | undefined {
  switch (providerType) {
    case 'openai':
    case 'azure-openai':
    case 'azure':
      return 'openai';
    case 'anthropic':
    case 'bedrock':
      return 'anthropic';
    case 'gemini':
      return 'gemini';
    case 'ollama':
      return 'ollama';
    default:
      return undefined;
  }
}

/**
 * A provider's model id as the catalog names it: lower case, without Gemini's `models/` resource
 * prefix, and for Bedrock ids (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`) without the
 * cross-region prefix, the `anthropic.` vendor prefix and the `-v1:0` version suffix.
 */
export function normalizeModelId(model: string): string {
  let id = model.trim().toLowerCase();
  if (id.startsWith('models/')) id = id.slice('models/'.length);
  const bedrock = /^(?:(?:us|eu|apac|global|us-gov|jp|au|ca)\.)?anthropic\.(.+?)(?:-v\d+(?::\d+)?)?$/.exec(
    id,
  );
  if (bedrock?.[1] !== undefined) id = bedrock[1];
  return id;
}

/** Characters that may follow a matched prefix: a snapshot date, tag or deployment suffix starts with one. */
const BOUNDARY = new Set(['-', ':', '@']);
/** A suffix that is another version of the model (`claude-opus-4` + `-7`), not a snapshot of it. */
const VERSION_SUFFIX = /^-\d{1,2}(?:$|[-.:@])/;

/**
 * The resolution rule for model names, for catalog ids and override models alike:
 * 1. the exact name (after `normalizeModelId`);
 * 2. else the LONGEST known name that is a prefix of it and ends at a boundary (`-`, `:`, `@`), so
 *    dated snapshots and deployment names reach their model: `gpt-4o-2024-08-06` → `gpt-4o`,
 *    `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`, `gpt-4o-mini-2024-07-18` → `gpt-4o-mini`
 *    (longest wins over `gpt-4o`), an Azure deployment `gpt-4o-prod` → `gpt-4o`;
 * 3. except when what follows is a short number (`claude-opus-4` + `-7`): that is a newer version
 *    with its own, unknown price, and a wrong price is worse than none (it stays unpriced).
 * `.` is not a boundary: `gpt-5.1` is not `gpt-5`.
 */
export function matchModel<T>(
  names: ReadonlyMap<string, T>,
  model: string,
): { name: string; value: T } | undefined {
  const exact = names.get(model);
  if (exact !== undefined) return { name: model, value: exact };
  for (let end = model.length - 1; end > 0; end--) {
    if (!BOUNDARY.has(model[end] ?? '')) continue;
    const prefix = model.slice(0, end);
    const value = names.get(prefix);
    if (value === undefined) continue;
    if (VERSION_SUFFIX.test(model.slice(end))) return undefined;
    return { name: prefix, value };
  }
  return undefined;
}

/** An override's decimal strings, compiled; throws on a malformed price. */
export function compileOverride(override: PriceOverride): ModelPrices {
  const input = parsePricePerMillion(override.input);
  const cacheWrite =
    override.cacheWrite !== undefined && override.cacheWrite !== null
      ? parsePricePerMillion(override.cacheWrite)
      : input;
  return {
    base: {
      input,
      output: parsePricePerMillion(override.output),
      cacheRead:
        override.cacheRead !== undefined && override.cacheRead !== null
          ? parsePricePerMillion(override.cacheRead)
          : input,
      cacheWrite5m: cacheWrite,
      cacheWrite1h: cacheWrite,
      reasoning: null,
    },
    tiers: [],
  };
}

export interface ResolveQuery {
  /** The provider connection's api type (`openai`, `anthropic`, `azure-openai`, `bedrock`, ...). */
  providerType: string;
  /** The model as sent upstream. */
  model: string;
  /**
   * The organization's prices that apply to this provider, most specific first (this provider's,
   * then the organization-wide ones). An exact model match beats a prefix match; among equals, the
   * earlier one wins. Any match beats the catalog.
   */
  overrides?: readonly PriceOverride[];
}

/**
 * The prices of one model on one provider: an organization override, else the catalog, else
 * unpriced (zero prices, so the request still has a cost of 0 and says why). Pure; the gateway
 * memoizes it per state (libs/gateway-service pricing/price-book.ts).
 */
export function resolvePrices(catalog: CompiledCatalog, query: ResolveQuery): ResolvedPrices {
  const model = normalizeModelId(query.model);
  const override = matchOverride(query.overrides ?? [], model);
  if (override !== undefined) {
    return {
      prices: compileOverride(override),
      source: 'override',
      matched: override.model,
      reference: null,
    };
  }
  const family = familyOf(query.providerType);
  if (family !== undefined) {
    const compiled = catalog.families[family];
    if (compiled.free !== undefined) {
      return { prices: ZERO_PRICES, source: 'catalog', matched: model, reference: compiled.free.source };
    }
    const hit = matchModel(compiled.byName, model);
    if (hit !== undefined) {
      return {
        prices: hit.value.prices,
        source: 'catalog',
        matched: hit.value.model,
        reference: hit.value.source,
      };
    }
  }
  return { prices: ZERO_PRICES, source: 'unpriced', matched: null, reference: null };
}

function matchOverride(overrides: readonly PriceOverride[], model: string): PriceOverride | undefined {
  for (const o of overrides) if (normalizeModelId(o.model) === model) return o;
  let best: { override: PriceOverride; length: number } | undefined;
  for (const o of overrides) {
    const name = normalizeModelId(o.model);
    const hit = matchModel(new Map([[name, o]]), model);
    if (hit !== undefined && (best === undefined || name.length > best.length)) {
      best = { override: o, length: name.length };
    }
  }
  return best?.override;
}
