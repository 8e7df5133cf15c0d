import type { ServerResponse } from 'node:http';
import type { MockContext, MockRequest } from '../dialect';
import { sendJson } from '../http';
import { geminiError, geminiHeaders, invalidArgument, JSON_TYPE, sendGeminiError } from './common';

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

/** Gemini's documented page sizes: 50 when unspecified, at most 1000 whatever is asked. */
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/** Page tokens are opaque to clients; here the offset of the next page, base64url-encoded. */
const pageToken = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64url');
function tokenOffset(token: string): number | undefined {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match?.[1] !== undefined ? Number(match[1]) : undefined;
}

/**
 * `GET /v1beta/models?pageSize=&pageToken=`: one page of `models`, and `nextPageToken` only when
 * more follow (the real API omits the field on the last page). A token the server did not issue is
 * 400 INVALID_ARGUMENT.
 */
export function handleListModels(req: MockRequest, res: ServerResponse, ctx: MockContext): void {
  const asked = Number(req.query.get('pageSize') ?? DEFAULT_PAGE_SIZE);
  const size = Math.min(MAX_PAGE_SIZE, asked > 0 && Number.isInteger(asked) ? asked : DEFAULT_PAGE_SIZE);
  const token = req.query.get('pageToken');
  const offset = token ? tokenOffset(token) : 0;
  if (offset === undefined) {
    sendGeminiError(res, req, invalidArgument('Invalid page token.'));
    return;
  }
  const page = ctx.models.slice(offset, offset + size);
  const body: Record<string, unknown> = { models: page.map(modelResource) };
  if (offset + size < ctx.models.length) body.nextPageToken = pageToken(offset + size);
  sendJson(res, 200, body, geminiHeaders(req, JSON_TYPE));
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
