import type { ServerResponse } from 'node:http';
import type { MockRequest } from '../dialect';
import { embed } from '../embedding';
import { sendJson } from '../http';
import { asArray, asNumber, asObject, collectText } from '../json';
import type { JsonObject } from '../json';
import { geminiHeaders, INVALID_JSON, invalidArgument, JSON_TYPE, sendGeminiError } from './common';

function dimensionsFor(model: string, request: JsonObject): number {
  return asNumber(request.outputDimensionality) ?? (model.includes('gemini-embedding') ? 3072 : 768);
}

function values(model: string, request: JsonObject): { values: number[] } {
  const text = collectText(asObject(request.content)?.parts).join('');
  return { values: embed(text, dimensionsFor(model, request)) };
}

/** `:embedContent`. */
export function handleEmbedContent(req: MockRequest, res: ServerResponse, model: string): void {
  const body = asObject(req.json);
  if (!body) {
    sendGeminiError(res, req, invalidArgument(INVALID_JSON));
    return;
  }
  if (body.content === undefined) {
    sendGeminiError(res, req, invalidArgument('* EmbedContentRequest.content: content is not specified\n'));
    return;
  }
  sendJson(res, 200, { embedding: values(model, body) }, geminiHeaders(req, JSON_TYPE));
}

/** `:batchEmbedContents`. */
export function handleBatchEmbed(req: MockRequest, res: ServerResponse, model: string): void {
  const requests = asArray(asObject(req.json)?.requests);
  if (!requests || requests.length === 0) {
    sendGeminiError(
      res,
      req,
      invalidArgument('* BatchEmbedContentsRequest.requests: requests is not specified\n'),
    );
    return;
  }
  sendJson(
    res,
    200,
    { embeddings: requests.map((r) => values(model, asObject(r) ?? {})) },
    geminiHeaders(req, JSON_TYPE),
  );
}
