import type { ModelPrices, TokenPrices } from './catalog';
import { attoToNanos, attoToNanosCeil } from './money';

/**
 * The usage model priced here is the request event's normalized usage (libs/contracts
 * `RequestEvent['usage']`, libs/protocol `Usage`):
 * - `inputTokens` EXCLUDES cache reads and writes (total prompt = input + cacheRead + cacheWrite);
 * - `cacheWrite1hTokens` is the part of `cacheWriteTokens` written with a 1 hour TTL (Anthropic);
 * - `outputTokens` INCLUDES `reasoningTokens`.
 */
export interface PricedUsage {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens?: number | undefined;
  outputTokens: number;
  reasoningTokens: number;
}

/** Each part of a request's cost, exact, in atto-dollars (1e-18 USD). */
export interface CostBreakdown {
  input: bigint;
  cacheRead: bigint;
  cacheWrite5m: bigint;
  cacheWrite1h: bigint;
  /** Output tokens other than reasoning when reasoning has its own price, else all output tokens. */
  output: bigint;
  /** Reasoning tokens at their own price; 0 when they are billed as output (the normal case). */
  reasoning: bigint;
  /** The long-context tier applied (its prompt-token threshold), or null for the base prices. */
  tier: number | null;
}

export interface Cost {
  /** The total in nano-dollars, rounded half up once from the exact sum of the breakdown. */
  nanos: bigint;
  breakdown: CostBreakdown;
}

const whole = (tokens: number | undefined): bigint =>
  tokens !== undefined && Number.isFinite(tokens) && tokens > 0 ? BigInt(Math.floor(tokens)) : 0n;

/**
 * The prices that apply to a request whose prompt has `promptTokens` tokens: the highest tier whose
 * threshold the prompt is strictly above (">200k tokens"), else the base prices.
 */
export function pricesForPrompt(
  prices: ModelPrices,
  promptTokens: number,
): { sheet: TokenPrices; tier: number | null } {
  let chosen: { sheet: TokenPrices; tier: number | null } = { sheet: prices.base, tier: null };
  for (const tier of prices.tiers) {
    if (promptTokens > tier.abovePromptTokens) chosen = { sheet: tier.prices, tier: tier.abovePromptTokens };
  }
  return chosen;
}

/**
 * What a request cost: every token class at its price, the tier chosen by the request's total
 * prompt tokens, summed exactly in atto-dollars and rounded half up to nano-dollars once. Negative
 * or fractional counts (never sent by the decoders) count as their whole non-negative part.
 */
export function costOf(usage: PricedUsage, prices: ModelPrices): Cost {
  const input = whole(usage.inputTokens);
  const cacheRead = whole(usage.cacheReadTokens);
  const cacheWrite = whole(usage.cacheWriteTokens);
  const cacheWrite1h = minBig(whole(usage.cacheWrite1hTokens), cacheWrite);
  const output = whole(usage.outputTokens);
  const reasoning = minBig(whole(usage.reasoningTokens), output);
  const { sheet, tier } = pricesForPrompt(prices, Number(input + cacheRead + cacheWrite));

  const separateReasoning = sheet.reasoning !== null;
  const breakdown: CostBreakdown = {
    input: input * sheet.input,
    cacheRead: cacheRead * sheet.cacheRead,
    cacheWrite5m: (cacheWrite - cacheWrite1h) * sheet.cacheWrite5m,
    cacheWrite1h: cacheWrite1h * sheet.cacheWrite1h,
    output: (separateReasoning ? output - reasoning : output) * sheet.output,
    reasoning: separateReasoning ? reasoning * (sheet.reasoning ?? 0n) : 0n,
    tier,
  };
  const atto =
    breakdown.input +
    breakdown.cacheRead +
    breakdown.cacheWrite5m +
    breakdown.cacheWrite1h +
    breakdown.output +
    breakdown.reasoning;
  return { nanos: attoToNanos(atto), breakdown };
}

export interface WorstCaseQuery {
  /** An estimate of the whole prompt (input, cached or not), e.g. from the body size. */
  promptTokens: number;
  /**
   * The most the request may generate: the client's `max_tokens` / `max_completion_tokens` /
   * `max_output_tokens`, or the caller's default when it sent none.
   */
  maxOutputTokens: number;
}

/**
 * The most a request can cost before it is sent, for budget reservations: the whole prompt at the
 * input price (no cache discount assumed: the cache may miss) and every possible output token at
 * the output price (or the reasoning price when that is higher), at the tier the prompt falls in,
 * rounded UP to nano-dollars so a reservation never falls short of the final cost. Cache writes
 * can cost more than input (Anthropic ×1.25 / ×2), so a prompt that writes the cache may exceed
 * this bound by that premium: callers reconcile with `costOf` on the real usage afterwards.
 */
export function worstCaseCost(query: WorstCaseQuery, prices: ModelPrices): bigint {
  const prompt = whole(query.promptTokens);
  const { sheet } = pricesForPrompt(prices, Number(prompt));
  const outputPrice =
    sheet.reasoning !== null && sheet.reasoning > sheet.output ? sheet.reasoning : sheet.output;
  return attoToNanosCeil(prompt * sheet.input + whole(query.maxOutputTokens) * outputPrice);
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
