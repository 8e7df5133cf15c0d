import type { StreamError } from '../canonical/model';
import { isObject, num, str } from './json';

/** The OpenAI error envelope: all four keys are required by the spec's `Error` schema (WIRE-FORMATS 1.6). */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The `type` OpenAI uses for a status (WIRE-FORMATS 1.6). */
export function openAIErrorType(status: number): string {
  if (status === 403) return 'request_forbidden';
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export function encodeOpenAIError(
  status: number,
  message: string,
  opts: { type?: string; param?: string | null; code?: string | null } = {},
): OpenAIErrorBody {
  return {
    error: {
      message,
      type: opts.type ?? openAIErrorType(status),
      param: opts.param ?? null,
      code: opts.code ?? null,
    },
  };
}

const RATE_LIMIT_TYPES: ReadonlySet<string> = new Set([
  'rate_limit_exceeded',
  'rate_limit_error',
  'requests',
  'tokens',
  'insufficient_quota',
]);

/**
 * The status an error object reported inside a 200 stream stands for: its own numeric `code` or
 * `status` when it has one, else guessed from its type (rate limits 429, overload 503, invalid 400,
 * anything else 500).
 */
function errorStatus(error: Record<string, unknown>): number {
  const explicit = num(error, 'status') ?? num(error, 'code');
  if (explicit !== undefined && explicit >= 400 && explicit <= 599) return explicit;
  const type = str(error, 'type') ?? '';
  const code = str(error, 'code') ?? '';
  if (RATE_LIMIT_TYPES.has(type) || RATE_LIMIT_TYPES.has(code)) return 429;
  if (/overload/i.test(type) || /overload/i.test(code)) return 503;
  if (type === 'invalid_request_error') return 400;
  return 500;
}

/** An upstream `{"error": …}` value (object or bare string) → a canonical stream error. */
export function decodeOpenAIStreamError(error: unknown): StreamError {
  if (!isObject(error)) {
    return {
      status: 500,
      message: typeof error === 'string' ? error : 'Upstream stream error',
      type: 'server_error',
    };
  }
  const result: StreamError = {
    status: errorStatus(error),
    message: str(error, 'message') ?? 'Upstream stream error',
  };
  const type = str(error, 'type');
  if (type !== undefined) result.type = type;
  return result;
}
