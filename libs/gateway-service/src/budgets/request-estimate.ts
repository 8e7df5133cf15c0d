/**
 * What a request may consume at most, known before the provider is called: the output it allows
 * (`max_tokens` of Chat Completions and Messages, `max_completion_tokens`, `max_output_tokens` of
 * Responses, else a configured default) and its input, estimated from the body's size. Bytes / 3 is
 * deliberately high for text (about 4 bytes per token in English), so a reservation rarely falls
 * short of the real cost; the settlement replaces it with the real figure anyway.
 */
export interface RequestEstimate {
  inputTokens: number;
  outputTokens: number;
}

const OUTPUT_LIMIT_FIELDS = ['max_completion_tokens', 'max_output_tokens', 'max_tokens'] as const;

export const BYTES_PER_ESTIMATED_TOKEN = 3;

export function estimateRequest(
  body: Record<string, unknown>,
  bodyBytes: number,
  defaultMaxOutputTokens: number,
): RequestEstimate {
  let outputTokens = defaultMaxOutputTokens;
  for (const field of OUTPUT_LIMIT_FIELDS) {
    const value = body[field];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) {
      outputTokens = value;
      break;
    }
  }
  return { inputTokens: Math.ceil(bodyBytes / BYTES_PER_ESTIMATED_TOKEN), outputTokens };
}
