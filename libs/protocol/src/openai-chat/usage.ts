import type { Usage } from '../canonical/model';
import { isObject, num, obj } from './json';

/** OpenAI `CompletionUsage` as this gateway writes it. */
export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number; cache_write_tokens?: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

/**
 * OpenAI usage → canonical (WIRE-FORMATS 1.4, 5.3). OpenAI's `prompt_tokens` includes cached reads
 * (and cache writes where reported); canonical `inputTokens` excludes both, so they are subtracted.
 * Also reads the variants OpenAI-compatible servers use: `cache_creation_tokens` (LiteLLM) and
 * DeepSeek's top-level `prompt_cache_hit_tokens`. Returns undefined when `value` is not a usage object.
 */
export function decodeOpenAIUsage(value: unknown): Usage | undefined {
  if (!isObject(value)) return undefined;
  const prompt = num(value, 'prompt_tokens') ?? 0;
  const completion = num(value, 'completion_tokens') ?? 0;
  const promptDetails = obj(value, 'prompt_tokens_details') ?? {};
  const completionDetails = obj(value, 'completion_tokens_details') ?? {};
  const cacheRead = num(promptDetails, 'cached_tokens') ?? num(value, 'prompt_cache_hit_tokens') ?? 0;
  const cacheWrite =
    num(promptDetails, 'cache_write_tokens') ??
    num(promptDetails, 'cache_creation_tokens') ??
    num(value, 'cache_creation_input_tokens') ??
    0;
  return {
    inputTokens: Math.max(prompt - cacheRead - cacheWrite, 0),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    outputTokens: completion,
    reasoningTokens: num(completionDetails, 'reasoning_tokens') ?? 0,
  };
}

/** Canonical usage → OpenAI: prompt = input + cache reads + cache writes; total = prompt + completion. */
export function encodeOpenAIUsage(usage: Usage): OpenAIUsage {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  const promptDetails: OpenAIUsage['prompt_tokens_details'] = {
    cached_tokens: usage.cacheReadTokens,
    audio_tokens: 0,
  };
  if (usage.cacheWriteTokens > 0) promptDetails.cache_write_tokens = usage.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: promptDetails,
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
