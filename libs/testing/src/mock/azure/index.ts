import type { ServerResponse } from 'node:http';
import type { Dialect, MockContext, MockRequest } from '../dialect';
import { header, sendJson } from '../http';
import { handleChatCompletions } from '../openai/chat';
import { handleEmbeddings } from '../openai/embeddings';

const DEPLOYMENT = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;

/** Azure's own error envelope for failures that happen before the OpenAI service is reached. */
function azureError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } }, { 'content-type': 'application/json' });
}

/** A fixed creation time (unix seconds) for every listed model. */
const CREATED_AT = 1715558400;

/**
 * `GET /openai/models?api-version=…`: the models the resource can use, in Azure's list shape
 * (`created_at`, `status`, `capabilities`, `lifecycle_status`), not OpenAI's (`created`, `owned_by`).
 */
function handleListModels(res: ServerResponse, ctx: MockContext): void {
  const data = ctx.models.map((id) => ({
    status: 'succeeded',
    capabilities: {
      fine_tune: false,
      inference: true,
      completion: false,
      chat_completion: !id.includes('embedding'),
      embeddings: id.includes('embedding'),
    },
    lifecycle_status: 'generally-available',
    id,
    created_at: CREATED_AT,
    object: 'model',
  }));
  sendJson(res, 200, { data, object: 'list' }, { 'content-type': 'application/json' });
}

/**
 * Azure OpenAI: the OpenAI wire under `/openai/deployments/{deployment}/…?api-version=…`, with the
 * key in an `api-key` header. Requests to a deployment answer like OpenAI (the body's model is the
 * deployment's), and the resource's model list is `GET /openai/models`; a missing `api-version` or an unknown path is Azure's 404, a bad key its 401.
 */
function handle(req: MockRequest, res: ServerResponse, ctx: MockContext): void | Promise<void> {
  if (ctx.apiKey !== undefined && header(req.headers, 'api-key') !== ctx.apiKey) {
    return azureError(
      res,
      401,
      '401',
      'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
    );
  }
  if (req.method === 'GET' && req.pathname === '/openai/models' && req.query.get('api-version')) {
    return handleListModels(res, ctx);
  }
  const match = DEPLOYMENT.exec(req.pathname);
  if (req.method !== 'POST' || !match || !req.query.get('api-version')) {
    return azureError(res, 404, '404', 'Resource not found');
  }
  return match[2] === 'embeddings' ? handleEmbeddings(req, res) : handleChatCompletions(req, res, ctx);
}

export const azureDialect: Dialect = {
  basePath: '',
  defaultModels: ['gpt-4o-deployment'],
  handle,
};
