import type { FinishReason } from '@optscale/protocol';

/**
 * Gemini `finishReason` → canonical (WIRE-FORMATS 5.3). Function calls end with `STOP`, so a
 * `STOP` of a candidate that called functions is `tool_calls`. Safety-type stops are
 * `content_filter`; the rest (recitation, malformed call, other) end the answer normally.
 */
const FINISH_REASONS: ReadonlyMap<string, FinishReason> = new Map<string, FinishReason>(
  Object.entries({
    MAX_TOKENS: 'length',
    SAFETY: 'content_filter',
    PROHIBITED_CONTENT: 'content_filter',
    BLOCKLIST: 'content_filter',
    SPII: 'content_filter',
    IMAGE_SAFETY: 'content_filter',
    IMAGE_PROHIBITED_CONTENT: 'content_filter',
    LANGUAGE: 'content_filter',
    RECITATION: 'stop',
    IMAGE_RECITATION: 'stop',
    OTHER: 'stop',
    IMAGE_OTHER: 'stop',
    NO_IMAGE: 'stop',
    MALFORMED_FUNCTION_CALL: 'stop',
    UNEXPECTED_TOOL_CALL: 'stop',
    TOO_MANY_TOOL_CALLS: 'stop',
    FINISH_REASON_UNSPECIFIED: 'stop',
  } satisfies Record<string, FinishReason>),
);

/** `finishReason` undefined = the stream ended without one (treated like `STOP`). */
export function geminiFinishReason(finishReason: string | undefined, sawFunctionCall: boolean): FinishReason {
  if (finishReason === undefined || finishReason === 'STOP') return sawFunctionCall ? 'tool_calls' : 'stop';
  return FINISH_REASONS.get(finishReason) ?? 'stop';
}

/** A prompt blocked before generation (`promptFeedback.blockReason`): always a content filter stop. */
export const BLOCKED_PROMPT_FINISH: FinishReason = 'content_filter';
