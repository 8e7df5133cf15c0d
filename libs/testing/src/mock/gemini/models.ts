import type { ServerResponse } from 'node:http';
import type { MockContext, MockRequest } from '../dialect';
import { sendJson } from '../http';
import { geminiError, geminiHeaders, JSON_TYPE, sendGeminiError } from './common';

/** A `Model` resource like the API lists it. */
function modelResource(id: string): Record<string, unknown> {
  const embedding = id.includes('embedding');
  const displayName = id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
  const base: Record<string, unknown> = {
    name: `models/${id}`,
    version: '001',
    displayName,
    description: `${displayName} (mock)`,
    inputTokenLimit: embedding ? 2048 : 1048576,
    outputTokenLimit: embedding ? 1 : 65536,
    supportedGenerationMethods: embedding
      ? ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent']
      : ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
  };
  if (!embedding)
    Object.assign(base, { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: true });
  return base;
}

/** `GET /v1beta/models`. */
export function handleListModels(req: MockRequest, res: ServerResponse, ctx: MockContext): void {
  sendJson(res, 200, { models: ctx.models.map(modelResource) }, geminiHeaders(req, JSON_TYPE));
}

/** `GET /v1beta/models/{model}`. */
export function handleGetModel(req: MockRequest, res: ServerResponse, ctx: MockContext, id: string): void {
  if (ctx.models.includes(id)) {
    sendJson(res, 200, modelResource(id), geminiHeaders(req, JSON_TYPE));
    return;
  }
  sendGeminiError(
    res,
    req,
    geminiError(
      404,
      `models/${id} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
    ),
  );
}
