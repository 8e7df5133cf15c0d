import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { sendJson, sendText } from '../http';
import { ids } from '../ids';
import type { ResolvedUsage } from '../scenario';
import type { ErrorScenario } from '../types';

export const JSON_TYPE = 'application/json';
export const SSE_TYPE = 'text/event-stream; charset=utf-8';

/** One organization per process, like a deployment. */
const ORGANIZATION = ids.anthropicOrganization();

/** Headers Anthropic puts on every API response; `requestId` is also the envelope's `request_id`. */
export function anthropicHeaders(contentType: string, requestId: string): OutgoingHttpHeaders {
  const reset = new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    'content-type': contentType,
    'request-id': requestId,
    'anthropic-organization-id': ORGANIZATION,
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': '3999',
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-input-tokens-limit': '2000000',
    'anthropic-ratelimit-input-tokens-remaining': '2000000',
    'anthropic-ratelimit-input-tokens-reset': reset,
    'anthropic-ratelimit-output-tokens-limit': '400000',
    'anthropic-ratelimit-output-tokens-remaining': '400000',
    'anthropic-ratelimit-output-tokens-reset': reset,
    'anthropic-ratelimit-tokens-limit': '2400000',
    'anthropic-ratelimit-tokens-remaining': '2400000',
    'anthropic-ratelimit-tokens-reset': reset,
  };
}

export interface AnthropicError {
  type: string;
  message: string;
}

/** Anthropic's error type and usual message for a status (WIRE-FORMATS 3.5). */
export function defaultAnthropicError(status: number): AnthropicError {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', message: 'Invalid request' };
    case 401:
      return { type: 'authentication_error', message: 'invalid x-api-key' };
    case 402:
      return {
        type: 'billing_error',
        message: 'Your credit balance is too low to access the Anthropic API.',
      };
    case 403:
      return {
        type: 'permission_error',
        message: 'Your API key does not have permission to use the specified resource.',
      };
    case 404:
      return { type: 'not_found_error', message: 'Not Found' };
    case 413:
      return { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' };
    case 429:
      return {
        type: 'rate_limit_error',
        message:
          'Number of request tokens has exceeded your per-minute rate limit (https://docs.claude.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.',
      };
    case 500:
      return { type: 'api_error', message: 'Internal server error' };
    case 504:
      return { type: 'timeout_error', message: 'Request timed out' };
    case 529:
      return { type: 'overloaded_error', message: 'Overloaded' };
    default:
      return status >= 500
        ? { type: 'api_error', message: 'Internal server error' }
        : { type: 'invalid_request_error', message: 'Invalid request' };
  }
}

export function sendAnthropicError(
  res: ServerResponse,
  status: number,
  error: AnthropicError,
  extraHeaders: Record<string, string> = {},
): void {
  const requestId = ids.anthropicRequest();
  sendJson(
    res,
    status,
    { type: 'error', error, request_id: requestId },
    { ...anthropicHeaders(JSON_TYPE, requestId), ...extraHeaders },
  );
}

export function invalidRequest(message: string): AnthropicError {
  return { type: 'invalid_request_error', message };
}

/** Answers a request with an `error` scenario. */
export function sendAnthropicScenarioError(res: ServerResponse, s: ErrorScenario): void {
  if (s.rawBody !== undefined) {
    sendText(res, s.status, s.rawBody, {
      ...anthropicHeaders(JSON_TYPE, ids.anthropicRequest()),
      ...(s.headers ?? {}),
    });
    return;
  }
  const base = defaultAnthropicError(s.status);
  sendAnthropicError(
    res,
    s.status,
    { type: s.type ?? base.type, message: s.message ?? base.message },
    s.headers,
  );
}

/** The `event: error` that ends a stream after the 200 (the status can no longer change). */
export function streamErrorFrame(status: number | undefined, message: string | undefined): string {
  const base = defaultAnthropicError(status ?? 529);
  const data = { type: 'error', error: { type: base.type, message: message ?? base.message } };
  return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Full usage as in a non-streamed message / `message_start` (input EXCLUDES cache reads and writes). */
export function messageUsage(u: ResolvedUsage, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
    cache_creation: {
      ephemeral_5m_input_tokens: u.cacheWrite - u.cacheWrite1h,
      ephemeral_1h_input_tokens: u.cacheWrite1h,
    },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

/** Cumulative usage of `message_delta`. */
export function deltaUsage(u: ResolvedUsage): Record<string, unknown> {
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
    output_tokens: u.output,
  };
}

export function stopReason(finish: 'stop' | 'length' | 'tool_calls'): string {
  switch (finish) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
  }
}
