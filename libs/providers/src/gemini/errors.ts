import type { StreamError } from '@optscale/protocol';
import type { UpstreamError } from '../adapter';
import { type JsonObject, asArray, asNumber, asRecord, asString, tryParseJson } from '../json';

/** google.rpc status names → HTTP (WIRE-FORMATS 4.1, completed from the google.rpc.Code table). */
const HTTP_BY_RPC_STATUS: ReadonlyMap<string, number> = new Map(
  Object.entries({
    INVALID_ARGUMENT: 400,
    FAILED_PRECONDITION: 400,
    OUT_OF_RANGE: 400,
    UNAUTHENTICATED: 401,
    PERMISSION_DENIED: 403,
    NOT_FOUND: 404,
    ALREADY_EXISTS: 409,
    ABORTED: 409,
    RESOURCE_EXHAUSTED: 429,
    CANCELLED: 499,
    UNKNOWN: 500,
    INTERNAL: 500,
    DATA_LOSS: 500,
    UNIMPLEMENTED: 501,
    UNAVAILABLE: 503,
    DEADLINE_EXCEEDED: 504,
  }),
);

/** `ErrorInfo.reason`s that Gemini reports with a misleading 400 but that are credential failures. */
const AUTH_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_EXPIRED']);

const MAX_MESSAGE_LENGTH = 1000;

interface GeminiErrorFields {
  status?: number;
  message?: string;
  rpcStatus?: string;
  reason?: string;
  retryDelaySeconds?: string;
}

/** `{"error":{code,message,status,details}}`, also wrapped in an array (the non-SSE stream form). */
function readErrorEnvelope(parsed: unknown): GeminiErrorFields | undefined {
  const root = Array.isArray(parsed) ? asRecord(parsed[0]) : asRecord(parsed);
  const error = asRecord(root?.error);
  if (!error) return undefined;
  const fields: GeminiErrorFields = {};
  const code = asNumber(error.code);
  if (code !== undefined && code >= 400 && code < 600) fields.status = code;
  const message = asString(error.message);
  if (message !== undefined) fields.message = message;
  const rpcStatus = asString(error.status);
  if (rpcStatus !== undefined) fields.rpcStatus = rpcStatus;
  for (const detail of asArray(error.details)) {
    const d: JsonObject = asRecord(detail) ?? {};
    const type = asString(d['@type']) ?? '';
    if (type.endsWith('google.rpc.ErrorInfo')) {
      const reason = asString(d.reason);
      if (reason !== undefined) fields.reason = reason;
    } else if (type.endsWith('google.rpc.RetryInfo')) {
      const delay = /^(\d+(?:\.\d+)?)s$/.exec(asString(d.retryDelay) ?? '');
      if (delay?.[1] !== undefined) fields.retryDelaySeconds = String(Math.ceil(Number(delay[1])));
    }
  }
  return fields;
}

function httpStatus(fields: GeminiErrorFields, fallback: number): number {
  if (fields.reason !== undefined && AUTH_REASONS.has(fields.reason)) return 401;
  return (
    fields.status ??
    (fields.rpcStatus !== undefined ? HTTP_BY_RPC_STATUS.get(fields.rpcStatus) : undefined) ??
    fallback
  );
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * A non-2xx Gemini response → `UpstreamError`. The HTTP status stands, except that invalid or
 * expired API keys (which Gemini reports as 400 `INVALID_ARGUMENT`) become 401. `type` is the
 * google.rpc status name, `code` the `ErrorInfo.reason` when present. `retry-after` comes from the
 * header, else from a `RetryInfo.retryDelay` detail. Non-JSON bodies (proxies, HTML) keep their text.
 */
export function parseError(status: number, headers: Record<string, string>, body: string): UpstreamError {
  const fields = readErrorEnvelope(tryParseJson(body));
  const text = body.trim();
  const error: UpstreamError = {
    status: fields
      ? httpStatus({ ...fields, status: status >= 400 ? status : fields.status }, status)
      : status,
    message:
      fields?.message ??
      (text.length > 0 ? text.slice(0, MAX_MESSAGE_LENGTH) : `Gemini returned HTTP ${status}`),
    body,
  };
  if (fields?.rpcStatus !== undefined) error.type = fields.rpcStatus;
  if (fields?.reason !== undefined) error.code = fields.reason;
  const retryAfter = headerValue(headers, 'retry-after') ?? fields?.retryDelaySeconds;
  if (retryAfter !== undefined) error.retryAfter = retryAfter;
  return error;
}

/** An error object sent inside a 200 stream (`data: {"error":{…}}`), or `undefined` if the chunk is not one. */
export function geminiStreamError(chunk: JsonObject): StreamError | undefined {
  const fields = readErrorEnvelope(chunk);
  if (!fields) return undefined;
  const error: StreamError = {
    status: httpStatus(fields, 500),
    message: fields.message ?? 'Gemini reported an error mid-stream',
  };
  if (fields.rpcStatus !== undefined) error.type = fields.rpcStatus;
  return error;
}
