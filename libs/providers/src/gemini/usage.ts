import type { Usage } from '@optscale/protocol';
import { asNumber, asRecord } from '../json';

/**
 * Gemini `usageMetadata` → canonical usage (WIRE-FORMATS 4.1). Gemini's `promptTokenCount`
 * includes the cached tokens and `candidatesTokenCount` excludes the thoughts, while canonical
 * `inputTokens` excludes cache reads and `outputTokens` includes reasoning:
 *   inputTokens     = promptTokenCount + toolUsePromptTokenCount − cachedContentTokenCount
 *   cacheReadTokens = cachedContentTokenCount
 *   outputTokens    = candidatesTokenCount + thoughtsTokenCount
 *   reasoningTokens = thoughtsTokenCount
 * Gemini has no cache writes (explicit caches are created out of band). `undefined` when absent.
 */
export function geminiUsage(usageMetadata: unknown): Usage | undefined {
  const meta = asRecord(usageMetadata);
  if (!meta) return undefined;
  const count = (key: string): number => asNumber(meta[key]) ?? 0;
  const cached = count('cachedContentTokenCount');
  const thoughts = count('thoughtsTokenCount');
  return {
    inputTokens: Math.max(count('promptTokenCount') + count('toolUsePromptTokenCount') - cached, 0),
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: count('candidatesTokenCount') + thoughts,
    reasoningTokens: thoughts,
  };
}
