import type { StreamError } from '@optscale/protocol';
import type { UpstreamError } from '../adapter';
import { type JsonObject, asNumber, asRecord, asString, tryParseJson } from '../json';

const MAX_MESSAGE_LENGTH = 1000;

/** The message of `{"error":"…"}` (native) or `{"error":{"message":…}}` (OpenAI-compatible). */
function errorMessage(root: JsonObject | undefined): { message: string; type?: string } | undefined {
  const error = root?.error;
  const text = asString(error);
  if (text !== undefined) return { message: text };
  const object = asRecord(error);
  const message = asString(object?.message);
  if (message === undefined) return undefined;
  const type = asString(object?.type);
  return type !== undefined ? { message, type } : { message };
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * A non-2xx Ollama response → `UpstreamError`. Ollama's envelope is `{"error":"message"}` with a
 * meaningful HTTP status (400/404/429/500/502), which is kept. Non-JSON bodies keep their text.
 */
export function parseError(status: number, headers: Record<string, string>, body: string): UpstreamError {
  const parsed = errorMessage(asRecord(tryParseJson(body)));
  const text = body.trim();
  const error: UpstreamError = {
    status,
    message:
      parsed?.message ??
      (text.length > 0 ? text.slice(0, MAX_MESSAGE_LENGTH) : `Ollama returned HTTP ${status}`),
    body,
  };
  if (parsed?.type !== undefined) error.type = parsed.type;
  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter !== undefined) error.retryAfter = retryAfter;
  return error;
}

/**
 * A mid-stream `{"error":"…"}` line (the HTTP status is already 200). Its status is 500 unless the
 * line itself carries one (`status_code`/`status`/`code`).
 */
export function ollamaStreamError(line: JsonObject): StreamError | undefined {
  const parsed = errorMessage(line);
  if (!parsed) return undefined;
  const declared = asNumber(line.status_code) ?? asNumber(line.status) ?? asNumber(line.code);
  const status = declared !== undefined && declared >= 400 && declared < 600 ? declared : 500;
  return parsed.type !== undefined
    ? { status, message: parsed.message, type: parsed.type }
    : { status, message: parsed.message };
}
