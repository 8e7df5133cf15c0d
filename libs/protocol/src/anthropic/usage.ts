import type { FinishReason, Usage } from '../canonical/model';
import { count, isObject } from './json';

/** The four usage fields every Anthropic client expects (all present, WIRE-FORMATS 3.4 / 6.5). */
export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

/**
 * An Anthropic `usage` object → the canonical fields it carries (absent fields stay absent, so a
 * `message_delta` without input counts does not erase those of `message_start`). Anthropic's
 * `input_tokens` already excludes cache reads and writes.
 */
export function decodeAnthropicUsage(value: unknown): Partial<Usage> {
  if (!isObject(value)) return {};
  const usage: Partial<Usage> = {};
  const input = count(value.input_tokens);
  if (input !== undefined) usage.inputTokens = input;
  const cacheRead = count(value.cache_read_input_tokens);
  if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead;
  const cacheWrite = count(value.cache_creation_input_tokens);
  if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite;
  // The TTL split of the writes (WIRE-FORMATS 3.3): 1 hour writes cost more than 5 minute ones.
  // Set only when some were written, since absent already means "all 5 minute".
  const creation = value.cache_creation;
  const oneHour = isObject(creation) ? count(creation.ephemeral_1h_input_tokens) : undefined;
  if (oneHour !== undefined && oneHour > 0) usage.cacheWrite1hTokens = oneHour;
  const output = count(value.output_tokens);
  if (output !== undefined) usage.outputTokens = output;
  const details = value.output_tokens_details;
  const thinking = isObject(details) ? count(details.thinking_tokens) : undefined;
  if (thinking !== undefined) usage.reasoningTokens = thinking;
  return usage;
}

export function encodeAnthropicUsage(usage: Usage): AnthropicUsage {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    output_tokens: usage.outputTokens,
  };
}

export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

const FROM_STOP_REASON: Record<AnthropicStopReason, FinishReason> = {
  end_turn: 'stop',
  max_tokens: 'length',
  stop_sequence: 'stop_sequence',
  tool_use: 'tool_calls',
  pause_turn: 'pause_turn',
  refusal: 'refusal',
  model_context_window_exceeded: 'context_window_exceeded',
};

const TO_STOP_REASON: Record<FinishReason, AnthropicStopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  stop_sequence: 'stop_sequence',
  content_filter: 'refusal',
  refusal: 'refusal',
  pause_turn: 'pause_turn',
  context_window_exceeded: 'model_context_window_exceeded',
};

/** Anthropic `stop_reason` → canonical; unknown or null → `stop`. */
export function decodeStopReason(value: unknown): FinishReason {
  return typeof value === 'string' && Object.hasOwn(FROM_STOP_REASON, value)
    ? FROM_STOP_REASON[value as AnthropicStopReason]
    : 'stop';
}

/**
 * Canonical finish → Anthropic `stop_reason` (WIRE-FORMATS 5.3): `stop` becomes `tool_use` when tool
 * calls were emitted (Gemini/Ollama say STOP) and `stop_sequence` when a stop string is known.
 */
export function encodeStopReason(
  reason: FinishReason,
  hadToolCalls: boolean,
  stopSequence?: string | null,
): AnthropicStopReason {
  if (reason === 'stop') {
    if (hadToolCalls) return 'tool_use';
    if (typeof stopSequence === 'string') return 'stop_sequence';
  }
  return TO_STOP_REASON[reason];
}
