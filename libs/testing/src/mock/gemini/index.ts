import type { ServerResponse } from 'node:http';
import type { Dialect, MockContext, MockRequest } from '../dialect';
import { header } from '../http';
import { geminiError, invalidArgument, sendGeminiError } from './common';
import { handleBatchEmbed, handleEmbedContent } from './embed';
import { handleCountTokens, handleGenerate } from './generate';
import { handleGetModel, handleListModels } from './models';

/** `/v1beta/models/{model}[:method]` (also `/v1/…`). */
const MODEL_PATH = /^\/(?:v1beta|v1)\/models\/([^:/]+)(?::([A-Za-z]+))?$/;
const LIST_PATH = /^\/(?:v1beta|v1)\/models\/?$/;

/** Auth by `x-goog-api-key` or `?key=`: missing → 403 PERMISSION_DENIED, wrong → 400 API_KEY_INVALID. */
function authorized(req: MockRequest, res: ServerResponse, apiKey: string | undefined): boolean {
  if (apiKey === undefined) return true;
  const key = header(req.headers, 'x-goog-api-key') ?? req.query.get('key') ?? undefined;
  if (key === apiKey) return true;
  if (key === undefined) {
    sendGeminiError(
      res,
      req,
      geminiError(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        'PERMISSION_DENIED',
      ),
    );
  } else {
    sendGeminiError(res, req, {
      ...invalidArgument('API key not valid. Please pass a valid API key.'),
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
      ],
    });
  }
  return false;
}

function handle(req: MockRequest, res: ServerResponse, ctx: MockContext): void | Promise<void> {
  if (!authorized(req, res, ctx.apiKey)) return;
  const { method, pathname } = req;
  if (method === 'GET' && LIST_PATH.test(pathname)) return handleListModels(req, res, ctx);
  const match = MODEL_PATH.exec(pathname);
  const model = match?.[1] !== undefined ? decodeURIComponent(match[1]) : undefined;
  if (model !== undefined) {
    const action = match?.[2];
    if (method === 'GET' && action === undefined) return handleGetModel(req, res, ctx, model);
    if (method === 'POST' && action !== undefined) {
      switch (action) {
        case 'generateContent':
          return handleGenerate(req, res, ctx, model, false);
        case 'streamGenerateContent':
          return handleGenerate(req, res, ctx, model, true);
        case 'countTokens':
          return handleCountTokens(req, res);
        case 'embedContent':
          return handleEmbedContent(req, res, model);
        case 'batchEmbedContents':
          return handleBatchEmbed(req, res, model);
      }
    }
  }
  sendGeminiError(res, req, geminiError(404, `Method not found: ${method} ${pathname}`));
}

/** Gemini (Generative Language API) under `/v1beta`. */
export const geminiDialect: Dialect = {
  basePath: '/v1beta',
  defaultModels: ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-embedding-001'],
  handle,
};
