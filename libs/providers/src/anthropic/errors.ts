import { decodeAnthropicError } from '@optscale/protocol';
import type { UpstreamError } from '../adapter';

/** Longest non-JSON body text kept as an error message (HTML error pages can be large). */
const MAX_MESSAGE = 500;

function header(headers: Record<string, string>, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key !== undefined ? headers[key] : undefined;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A non-2xx Anthropic response → normalized error: the envelope's `error.type` / `message` when the
 * body is one, else the (trimmed, truncated) body text; `retry-after` kept; the body kept verbatim
 * for byte passthrough to Anthropic clients.
 */
export function parseAnthropicError(
  status: number,
  headers: Record<string, string>,
  body: string,
): UpstreamError {
  const envelope = decodeAnthropicError(parseJson(body));
  const textMessage = body.trim().slice(0, MAX_MESSAGE);
  const retryAfter = header(headers, 'retry-after');
  return {
    status,
    message: envelope?.message ?? (textMessage !== '' ? textMessage : `HTTP ${status}`),
    ...(envelope?.type !== undefined ? { type: envelope.type } : {}),
    code: null,
    param: null,
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    body,
  };
}
