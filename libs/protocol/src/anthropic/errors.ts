import { isObject, text } from './json';

/** Anthropic `error.type` values (WIRE-FORMATS 3.5). */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

const BY_STATUS: Readonly<Record<number, AnthropicErrorType>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/**
 * The Anthropic error type for an HTTP status: the table of WIRE-FORMATS 3.5, other 4xx →
 * `invalid_request_error`, other statuses → `api_error`. (Whether an upstream 503 is shown as 529
 * `overloaded_error` is the caller's decision.)
 */
export function anthropicErrorType(status: number): AnthropicErrorType {
  const known = BY_STATUS[status];
  if (known) return known;
  return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
}

const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** The HTTP status an Anthropic error type stands for (e.g. for a mid-stream `error` event); unknown → 500. */
export function anthropicErrorStatus(type: string | undefined): number {
  return (type !== undefined ? STATUS_BY_TYPE[type] : undefined) ?? 500;
}

export function isAnthropicErrorType(type: string): type is AnthropicErrorType {
  return Object.hasOwn(STATUS_BY_TYPE, type);
}

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id: string | null;
}

/** The Anthropic error envelope `{type:"error", error:{type, message}, request_id}`. */
export function encodeAnthropicError(
  status: number,
  message: string,
  opts: { type?: string; requestId?: string | null } = {},
): AnthropicErrorBody {
  return {
    type: 'error',
    error: { type: opts.type ?? anthropicErrorType(status), message },
    request_id: opts.requestId ?? null,
  };
}

/** Read an Anthropic error envelope (or a bare `{error:{…}}`); undefined when the body is not one. */
export function decodeAnthropicError(
  body: unknown,
): { type?: string; message: string; requestId?: string } | undefined {
  if (!isObject(body) || !isObject(body.error)) return undefined;
  const message = text(body.error.message);
  if (message === undefined) return undefined;
  const type = text(body.error.type);
  const requestId = text(body.request_id);
  return {
    message,
    ...(type !== undefined ? { type } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
  };
}
