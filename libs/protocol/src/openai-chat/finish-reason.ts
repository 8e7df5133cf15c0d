import type { FinishReason } from '../canonical/model';

/** OpenAI Chat `finish_reason` values a client accepts. */
export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/**
 * Canonical → OpenAI (WIRE-FORMATS 5.3). OpenAI has no stop-sequence, pause or refusal reason:
 * a matched stop sequence and Anthropic's `pause_turn` are `stop` (Portkey), a refusal is
 * `content_filter` (LiteLLM), an exceeded context window is `length`.
 */
const TO_OPENAI = {
  stop: 'stop',
  stop_sequence: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  refusal: 'content_filter',
  pause_turn: 'stop',
  context_window_exceeded: 'length',
} as const satisfies Record<FinishReason, OpenAIFinishReason>;

/** OpenAI (and OpenAI-compatible servers) → canonical; anything unknown is `stop`. */
const FROM_OPENAI: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
  // Seen from OpenAI-compatible servers that leak their native vocabulary.
  end_turn: 'stop',
  eos: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
};

export function toOpenAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  return TO_OPENAI[reason];
}

/**
 * Map an upstream `finish_reason`. `hadToolCalls` forces `tool_calls` when the upstream said `stop`
 * although it emitted calls (Ollama, Gemini-compat servers do).
 */
export function fromOpenAIFinishReason(
  reason: string | null | undefined,
  hadToolCalls: boolean,
): FinishReason {
  const mapped = (reason !== null && reason !== undefined ? FROM_OPENAI[reason] : undefined) ?? 'stop';
  return hadToolCalls && mapped === 'stop' ? 'tool_calls' : mapped;
}

/** The finish reason to send an OpenAI client: `tool_calls` whenever calls were sent and it would say `stop`. */
export function clientFinishReason(reason: FinishReason, sentToolCalls: boolean): OpenAIFinishReason {
  const mapped = toOpenAIFinishReason(reason);
  return sentToolCalls && mapped === 'stop' ? 'tool_calls' : mapped;
}
