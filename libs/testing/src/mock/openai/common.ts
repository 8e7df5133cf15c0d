import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { MockContext, MockRequest } from '../dialect';
import { sendJson, sendText } from '../http';
import { ids } from '../ids';
import { asObject, asString, type JsonObject } from '../json';
import type { ResolvedUsage } from '../scenario';
import type { ErrorScenario, Scenario } from '../types';

export const JSON_TYPE = 'application/json';
export const SSE_TYPE = 'text/event-stream; charset=utf-8';

/** Headers OpenAI puts on every API response. */
export function openaiHeaders(req: MockRequest, contentType: string): OutgoingHttpHeaders {
  return {
    'content-type': contentType,
    'x-request-id': ids.openaiRequest(),
    'openai-processing-ms': String(Math.max(1, Math.round(performance.now() - req.startedAt))),
    'openai-version': '2020-10-01',
    'openai-organization': 'user-mock',
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-reset-requests': '6ms',
    'x-ratelimit-limit-tokens': '30000000',
    'x-ratelimit-remaining-tokens': '29999000',
    'x-ratelimit-reset-tokens': '2ms',
  };
}

/** The `error` object of OpenAI's envelope (all four keys are always present). */
export interface OpenAIError {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** OpenAI's usual error for a status (`model` fills the messages that name it). */
export function defaultOpenAIError(status: number, model = 'gpt-4o'): OpenAIError {
  switch (status) {
    case 400:
      return { message: 'Invalid request.', type: 'invalid_request_error', param: null, code: null };
    case 401:
      return {
        message:
          'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      };
    case 403:
      return {
        message: 'Country, region, or territory not supported',
        type: 'request_forbidden',
        param: null,
        code: 'unsupported_country_region_territory',
      };
    case 404:
      return {
        message: `The model \`${model}\` does not exist or you do not have access to it.`,
        type: 'invalid_request_error',
        param: null,
        code: 'model_not_found',
      };
    case 429:
      return {
        message: `Rate limit reached for ${model} in organization org-mock on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      };
    case 503:
      return {
        message: 'The server is overloaded or not ready yet.',
        type: 'server_error',
        param: null,
        code: null,
      };
    default:
      return status >= 500
        ? {
            message: 'The server had an error while processing your request. Sorry about that!',
            type: 'server_error',
            param: null,
            code: null,
          }
        : { message: 'Invalid request.', type: 'invalid_request_error', param: null, code: null };
  }
}

export function sendOpenAIError(
  res: ServerResponse,
  req: MockRequest,
  status: number,
  error: OpenAIError,
  extraHeaders: Record<string, string> = {},
): void {
  sendJson(res, status, { error }, { ...openaiHeaders(req, JSON_TYPE), ...extraHeaders });
}

/** Answers a request with an `error` scenario. */
export function sendOpenAIScenarioError(
  res: ServerResponse,
  req: MockRequest,
  s: ErrorScenario,
  model: string,
): void {
  const headers = { ...openaiHeaders(req, JSON_TYPE), ...(s.headers ?? {}) };
  if (s.rawBody !== undefined) {
    sendText(res, s.status, s.rawBody, headers);
    return;
  }
  const base = defaultOpenAIError(s.status, model);
  const error: OpenAIError = { ...base, message: s.message ?? base.message, type: s.type ?? base.type };
  sendJson(res, s.status, { error }, headers);
}

/** The in-band error event that ends a Chat Completions stream (openai-node throws on it). */
export function chatStreamErrorFrame(status: number | undefined, message: string | undefined): string {
  const base = defaultOpenAIError(status ?? 500);
  return `data: ${JSON.stringify({ error: { ...base, message: message ?? base.message } })}\n\n`;
}

/** Chat Completions usage: prompt includes cached tokens, completion includes reasoning. */
export function chatUsage(u: ResolvedUsage): Record<string, unknown> {
  const prompt = u.input + u.cacheRead + u.cacheWrite;
  const promptDetails: Record<string, number> = { cached_tokens: u.cacheRead, audio_tokens: 0 };
  if (u.cacheWrite > 0) promptDetails.cache_write_tokens = u.cacheWrite;
  return {
    prompt_tokens: prompt,
    completion_tokens: u.output,
    total_tokens: prompt + u.output,
    prompt_tokens_details: promptDetails,
    completion_tokens_details: {
      reasoning_tokens: u.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Responses API usage. */
export function responsesUsage(u: ResolvedUsage): Record<string, unknown> {
  const input = u.input + u.cacheRead + u.cacheWrite;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.cacheRead },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: input + u.output,
  };
}

export const INVALID_JSON_MESSAGE =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)";

export function missingParameter(name: string): OpenAIError {
  return {
    message: `Missing required parameter: '${name}'.`,
    type: 'invalid_request_error',
    param: name,
    code: 'missing_required_parameter',
  };
}

export function invalidRequest(
  message: string,
  param: string | null,
  code: string | null = null,
): OpenAIError {
  return { message, type: 'invalid_request_error', param, code };
}

/** A generation request past its common opening: the next scenario, the JSON body and its model. */
export interface AcceptedRequest {
  scenario: Exclude<Scenario, ErrorScenario>;
  body: JsonObject;
  model: string;
}

/**
 * The opening every OpenAI generation endpoint shares: take the next scenario, answer an `error`
 * scenario as scripted, refuse a body that is not JSON. Undefined when the response is already sent.
 */
export function acceptGeneration(
  req: MockRequest,
  res: ServerResponse,
  ctx: MockContext,
): AcceptedRequest | undefined {
  const scenario = ctx.nextScenario();
  const body = asObject(req.json);
  const model = asString(body?.model) ?? '';
  if (scenario.kind === 'error') {
    sendOpenAIScenarioError(res, req, scenario, model);
    return undefined;
  }
  if (!body) {
    sendOpenAIError(res, req, 400, invalidRequest(INVALID_JSON_MESSAGE, null));
    return undefined;
  }
  return { scenario, body, model };
}
