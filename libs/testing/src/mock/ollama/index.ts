import type { ServerResponse } from 'node:http';
import type { Dialect, MockContext, MockRequest } from '../dialect';
import { bearerToken, sendJson, sendText } from '../http';
import { handleChat } from './chat';
import { jsonHeaders, sendOllamaError } from './common';
import { handleEmbed, handleLegacyEmbeddings } from './embed';
import { handleTags } from './tags';

const VERSION = '0.13.5';

function handle(req: MockRequest, res: ServerResponse, ctx: MockContext): void | Promise<void> {
  const { method, pathname } = req;
  if ((method === 'GET' || method === 'HEAD') && pathname === '/') {
    sendText(res, 200, 'Ollama is running', { 'content-type': 'text/plain; charset=utf-8' });
    return;
  }
  // Plain Ollama has no auth; with a key configured it answers like ollama.com.
  if (ctx.apiKey !== undefined && bearerToken(req.headers) !== ctx.apiKey) {
    sendOllamaError(res, 401, 'unauthorized');
    return;
  }
  if (method === 'POST') {
    switch (pathname) {
      case '/api/chat':
        return handleChat(req, res, ctx);
      case '/api/embed':
        return handleEmbed(req, res);
      case '/api/embeddings':
        return handleLegacyEmbeddings(req, res);
    }
  } else if (method === 'GET') {
    if (pathname === '/api/tags') return handleTags(res, ctx);
    if (pathname === '/api/version') return sendJson(res, 200, { version: VERSION }, jsonHeaders);
  }
  sendText(res, 404, '404 page not found', { 'content-type': 'text/plain' });
}

/** Ollama's native API at the root (`/api/...`). */
export const ollamaDialect: Dialect = {
  basePath: '',
  defaultModels: ['llama3.2:latest', 'qwen3:8b', 'nomic-embed-text:latest'],
  handle,
};
