import type { FinishReason, Usage } from '@optscale/protocol';
import { type JsonObject, asNumber } from '../json';

/**
 * The final (`done: true`) object's counters → canonical usage (WIRE-FORMATS 4.2):
 * inputTokens = prompt_eval_count (omitted by Ollama when 0, e.g. a fully cached prompt),
 * outputTokens = eval_count. Ollama reports no cache or reasoning split.
 */
export function ollamaUsage(final: JsonObject): Usage {
  return {
    inputTokens: asNumber(final.prompt_eval_count) ?? 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: asNumber(final.eval_count) ?? 0,
    reasoningTokens: 0,
  };
}

/**
 * `done_reason` → canonical (WIRE-FORMATS 5.3): `length` → length; `stop` (also said after tool
 * calls), `load`, `unload` or none → stop, or tool_calls when the answer called tools.
 */
export function ollamaFinishReason(doneReason: string | undefined, sawToolCall: boolean): FinishReason {
  if (doneReason === 'length') return 'length';
  return sawToolCall ? 'tool_calls' : 'stop';
}
