import type { UpstreamError } from '../adapter';
import { asNumber, asRecord, asString, headerValue, tryParseJson } from '../json';
import type { JsonObject } from '../json';

const MAX_MESSAGE_LENGTH = 1000;

interface ErrorFields {
  message?: string;
  type?: string;
  code?: string | null;
  param?: string | null;
}

/** `code` is a string on OpenAI, a number on vLLM and some proxies. */
function codeOf(value: unknown): string | null | undefined {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  const n = asNumber(value);
  return n !== undefined ? String(n) : undefined;
}

function fieldsOf(source: JsonObject): ErrorFields {
  const fields: ErrorFields = {};
  const message = asString(source.message);
  if (message !== undefined) fields.message = message;
  const type = asString(source.type);
  if (type !== undefined) fields.type = type;
  const code = codeOf(source.code);
  if (code !== undefined) fields.code = code;
  const param = source.param === null ? null : asString(source.param);
  if (param !== undefined) fields.param = param;
  return fields;
}

/**
 * The error shapes of the OpenAI family: `{"error":{message,type,param,code}}` (OpenAI, Azure,
 * Ollama /v1, Groq, OpenRouter), `{"error":"…"}` (Ollama native, some proxies), vLLM's flat
 * `{"object":"error","message",…}`, FastAPI's `{"detail":…}`, and any of these in an array.
 */
function readError(parsed: unknown): ErrorFields | undefined {
  const root = Array.isArray(parsed) ? asRecord(parsed[0]) : asRecord(parsed);
  if (!root) return undefined;
  const error = asRecord(root.error);
  if (error) return fieldsOf(error);
  const bare = asString(root.error);
  if (bare !== undefined) return { message: bare };
  if (asString(root.message) !== undefined) return fieldsOf(root);
  const detail = root.detail;
  if (typeof detail === 'string') return { message: detail };
  if (detail !== undefined) return { message: JSON.stringify(detail) };
  return undefined;
}

/** `retry-after`, else `retry-after-ms` rounded up to whole seconds. */
function retryAfterOf(headers: Readonly<Record<string, string>>): string | undefined {
  const seconds = headerValue(headers, 'retry-after');
  if (seconds !== undefined) return seconds;
  const ms = Number(headerValue(headers, 'retry-after-ms'));
  return Number.isFinite(ms) && ms > 0 ? String(Math.ceil(ms / 1000)) : undefined;
}

/**
 * A non-2xx response of an OpenAI-family endpoint → `UpstreamError`. Non-JSON bodies (HTML from a
 * proxy, plain text) keep their text as the message; `retry-after` is kept for the gateway to copy.
 */
export function parseOpenAIError(
  status: number,
  headers: Record<string, string>,
  body: string,
): UpstreamError {
  const fields = readError(tryParseJson(body));
  const text = body.trim();
  const error: UpstreamError = {
    status,
    message:
      fields?.message ??
      (text.length > 0 ? text.slice(0, MAX_MESSAGE_LENGTH) : `Upstream returned HTTP ${status}`),
    body,
  };
  if (fields?.type !== undefined) error.type = fields.type;
  if (fields?.code !== undefined) error.code = fields.code;
  if (fields?.param !== undefined) error.param = fields.param;
  const retryAfter = retryAfterOf(headers);
  if (retryAfter !== undefined) error.retryAfter = retryAfter;
  return error;
}
