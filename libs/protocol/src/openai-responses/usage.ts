/**
 * Responses usage ↔ canonical usage. OpenAI's `input_tokens` counts the whole prompt, cached
 * tokens included; canonical `inputTokens` excludes cache reads and writes (model.ts).
 */
import type { Usage } from '../canonical/model';
import type { JsonObject } from './json';
import { isObject, num, obj } from './json';

export function encodeResponsesUsage(usage: Usage): JsonObject {
  const input = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: input + usage.outputTokens,
  };
}

/** Upstream usage → canonical (fields the upstream did not send stay absent). */
export function decodeResponsesUsage(value: unknown): Partial<Usage> | undefined {
  if (!isObject(value)) return undefined;
  const out: Partial<Usage> = {};
  const input = num(value, 'input_tokens');
  const inputDetails = obj(value, 'input_tokens_details') ?? {};
  const cached = num(inputDetails, 'cached_tokens') ?? 0;
  // Not in OpenAI's schema today; OpenAI-compatible servers fronting Anthropic report it.
  const written = num(inputDetails, 'cache_write_tokens') ?? num(inputDetails, 'cache_creation_tokens') ?? 0;
  if (input !== undefined) {
    out.inputTokens = Math.max(input - cached - written, 0);
    out.cacheReadTokens = cached;
    out.cacheWriteTokens = written;
  }
  const output = num(value, 'output_tokens');
  if (output !== undefined) out.outputTokens = output;
  const reasoning = num(obj(value, 'output_tokens_details') ?? {}, 'reasoning_tokens');
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  else if (output !== undefined) out.reasoningTokens = 0;
  return out;
}
