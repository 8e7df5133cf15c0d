import type { ServerResponse } from 'node:http';
import type { Dialect, MockContext, MockRequest } from '../dialect';
import { bearerToken, header } from '../http';
import { invalidRequest, sendAnthropicError } from './common';
import { handleCountTokens, handleMessages } from './messages';
import { handleGetModel, handleListModels } from './models';

const MODEL_PREFIX = '/v1/models/';

/** `x-api-key` (or `Authorization: Bearer`) and `anthropic-version` are required on every call. */
function admitted(req: MockRequest, res: ServerResponse, apiKey: string | undefined): boolean {
  const key = header(req.headers, 'x-api-key') ?? bearerToken(req.headers);
  if (key === undefined || key.length === 0) {
    sendAnthropicError(res, 401, { type: 'authentication_error', message: 'x-api-key header is required' });
    return false;
  }
  if (apiKey !== undefined && key !== apiKey && bearerToken(req.headers) !== apiKey) {
    sendAnthropicError(res, 401, { type: 'authentication_error', message: 'invalid x-api-key' });
    return false;
  }
  if (header(req.headers, 'anthropic-version') === undefined) {
    sendAnthropicError(res, 400, invalidRequest('anthropic-version: header is required'));
    return false;
  }
  return true;
}

type Route = (req: MockRequest, res: ServerResponse, ctx: MockContext) => void | Promise<void>;

function route(req: MockRequest): Route | undefined {
  const { method, pathname } = req;
  if (method === 'POST' && pathname === '/v1/messages') return handleMessages;
  if (method === 'POST' && pathname === '/v1/messages/count_tokens') return handleCountTokens;
  if (method === 'GET' && pathname === '/v1/models') return handleListModels;
  if (method === 'GET' && pathname.startsWith(MODEL_PREFIX) && pathname.length > MODEL_PREFIX.length) {
    const id = decodeURIComponent(pathname.slice(MODEL_PREFIX.length));
    return (_req, res, ctx) => handleGetModel(res, ctx, id);
  }
  return undefined;
}

function handle(req: MockRequest, res: ServerResponse, ctx: MockContext): void | Promise<void> {
  const handler = route(req);
  if (!handler) {
    sendAnthropicError(res, 404, { type: 'not_found_error', message: 'Not Found' });
    return;
  }
  if (!admitted(req, res, ctx.apiKey)) return;
  return handler(req, res, ctx);
}

/** Anthropic: Messages (+ count_tokens) and Models at the root (`/v1/...`). */
export const anthropicDialect: Dialect = {
  basePath: '',
  defaultModels: ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-opus-4-1-20250805'],
  handle,
};
