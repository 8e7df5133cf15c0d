import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { MockRequest } from '../dialect';
import { sendJson, sendText } from '../http';
import type { ResolvedUsage } from '../scenario';
import type { ErrorScenario } from '../types';

export const JSON_TYPE = 'application/json; charset=UTF-8';
export const SSE_TYPE = 'text/event-stream';

export const INVALID_JSON = 'Invalid JSON payload received. Unexpected token.';

export function geminiHeaders(req: MockRequest, contentType: string): OutgoingHttpHeaders {
  return {
    'content-type': contentType,
    vary: 'Origin, X-Origin, Referer',
    'server-timing': `gfet4t7; dur=${Math.max(1, Math.round(performance.now() - req.startedAt))}`,
    'x-content-type-options': 'nosniff',
  };
}

/** google.rpc status names by HTTP status. */
export function rpcStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'NOT_IMPLEMENTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

function defaultMessage(status: number): string {
  switch (status) {
    case 429:
      return 'Resource has been exhausted (e.g. check quota).';
    case 503:
      return 'The model is overloaded. Please try again later.';
    case 504:
      return 'Deadline expired before operation could complete.';
    default:
      return status >= 500
        ? 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'
        : 'Request contains an invalid argument.';
  }
}

export interface GeminiError {
  code: number;
  message: string;
  status: string;
  details?: unknown[];
}

export function geminiError(status: number, message?: string, rpc?: string): GeminiError {
  return { code: status, message: message ?? defaultMessage(status), status: rpc ?? rpcStatus(status) };
}

export function sendGeminiError(
  res: ServerResponse,
  req: MockRequest,
  error: GeminiError,
  extraHeaders: Record<string, string> = {},
): void {
  sendJson(res, error.code, { error }, { ...geminiHeaders(req, JSON_TYPE), ...extraHeaders });
}

/** `INVALID_ARGUMENT` with Google's field-violation message style. */
export function invalidArgument(message: string): GeminiError {
  return geminiError(400, message, 'INVALID_ARGUMENT');
}

export function sendGeminiScenarioError(res: ServerResponse, req: MockRequest, s: ErrorScenario): void {
  const headers = { ...geminiHeaders(req, JSON_TYPE), ...(s.headers ?? {}) };
  if (s.rawBody !== undefined) {
    sendText(res, s.status, s.rawBody, headers);
    return;
  }
  const error = geminiError(s.status, s.message, s.type);
  if (s.status === 429) {
    // Quota errors carry details; RetryInfo tells clients when to come back.
    const retryAfter = s.headers?.['retry-after'];
    error.details =
      retryAfter === undefined
        ? []
        : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfter}s` }];
  }
  sendJson(res, s.status, { error }, headers);
}

/**
 * `usageMetadata`: `promptTokenCount` INCLUDES cached tokens, `candidatesTokenCount` EXCLUDES
 * thoughts, `totalTokenCount` = prompt + candidates + thoughts. Intermediate stream chunks pass a
 * running `candidates` count and carry no thoughts (the last chunk is authoritative).
 */
export function usageMetadata(u: ResolvedUsage, candidates?: number): Record<string, unknown> {
  const prompt = u.input + u.cacheRead + u.cacheWrite;
  const final = candidates === undefined;
  const shown = final
    ? Math.max(0, u.output - u.reasoning)
    : Math.min(candidates, Math.max(0, u.output - u.reasoning));
  const thoughts = final ? u.reasoning : 0;
  const meta: Record<string, unknown> = {
    promptTokenCount: prompt,
    candidatesTokenCount: shown,
    totalTokenCount: prompt + shown + thoughts,
  };
  if (u.cacheRead > 0) meta.cachedContentTokenCount = u.cacheRead;
  meta.promptTokensDetails = [{ modality: 'TEXT', tokenCount: prompt }];
  if (u.cacheRead > 0) meta.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: u.cacheRead }];
  if (thoughts > 0) meta.thoughtsTokenCount = thoughts;
  return meta;
}
