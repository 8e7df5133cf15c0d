import type { ServerResponse } from 'node:http';
import type { Dialect, MockContext, MockRequest } from '../dialect';
import { bearerToken } from '../http';
import { handleChatCompletions } from './chat';
import { invalidRequest, sendOpenAIError } from './common';
import { handleEmbeddings } from './embeddings';
import { handleGetModel, handleListModels } from './models';
import { handleResponses } from './responses';

const MODEL_PREFIX = '/v1/models/';

function maskKey(key: string): string {
  return key.length > 8
    ? `${key.slice(0, 4)}${'*'.repeat(Math.min(key.length - 8, 20))}${key.slice(-4)}`
    : '***';
}

/** OpenAI's 401s: no key at all, or a wrong one. Returns true when the request may proceed. */
function authorized(req: MockRequest, res: ServerResponse, apiKey: string | undefined): boolean {
  if (apiKey === undefined) return true;
  const token = bearerToken(req.headers);
  if (token === apiKey) return true;
  if (token === undefined) {
    sendOpenAIError(
      res,
      req,
      401,
      invalidRequest(
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        null,
      ),
    );
  } else {
    sendOpenAIError(
      res,
      req,
      401,
      invalidRequest(
        `Incorrect API key provided: ${maskKey(token)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        null,
        'invalid_api_key',
      ),
    );
  }
  return false;
}

function handle(req: MockRequest, res: ServerResponse, ctx: MockContext): void | Promise<void> {
  if (!authorized(req, res, ctx.apiKey)) return;
  const { method, pathname } = req;
  if (method === 'POST') {
    switch (pathname) {
      case '/v1/chat/completions':
        return handleChatCompletions(req, res, ctx);
      case '/v1/responses':
        return handleResponses(req, res, ctx);
      case '/v1/embeddings':
        return handleEmbeddings(req, res);
    }
  } else if (method === 'GET') {
    if (pathname === '/v1/models') return handleListModels(req, res, ctx);
    if (pathname.startsWith(MODEL_PREFIX) && pathname.length > MODEL_PREFIX.length) {
      return handleGetModel(req, res, ctx, decodeURIComponent(pathname.slice(MODEL_PREFIX.length)));
    }
  }
  sendOpenAIError(res, req, 404, invalidRequest(`Invalid URL (${method} ${pathname})`, null));
}

/** OpenAI: Chat Completions, Responses, Embeddings, Models under `/v1`. */
export const openaiDialect: Dialect = {
  basePath: '/v1',
  defaultModels: ['gpt-4o-mini', 'gpt-4o', 'gpt-5', 'text-embedding-3-small'],
  handle,
};
