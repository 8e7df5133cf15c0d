import type { ServerResponse } from 'node:http';
import type { MockRequest } from '../dialect';
import { embed } from '../embedding';
import { sendJson } from '../http';
import { asArray, asNumber, asObject, asString } from '../json';
import { estimateTokens } from '../text';
import { jsonHeaders, sendOllamaError } from './common';

const DEFAULT_DIMENSIONS = 768;

/** `POST /api/embed`: `input` is a string or a list of strings. */
export function handleEmbed(req: MockRequest, res: ServerResponse): void {
  const body = asObject(req.json);
  const model = asString(body?.model) ?? '';
  if (!body || model.length === 0) {
    sendOllamaError(res, 400, 'model is required');
    return;
  }
  const input = body.input;
  const texts =
    typeof input === 'string'
      ? [input]
      : (asArray(input) ?? []).filter((v): v is string => typeof v === 'string');
  const dimensions = asNumber(body.dimensions) ?? DEFAULT_DIMENSIONS;
  const tokens = texts.reduce((n, text) => n + estimateTokens(text.length), 0);
  sendJson(
    res,
    200,
    {
      model,
      embeddings: texts.map((text) => embed(text, dimensions)),
      total_duration: 14_143_917 + tokens * 10_000,
      load_duration: 1_019_500,
      prompt_eval_count: tokens,
    },
    jsonHeaders,
  );
}

/** `POST /api/embeddings` (legacy): `{model, prompt}` → `{embedding}`. */
export function handleLegacyEmbeddings(req: MockRequest, res: ServerResponse): void {
  const body = asObject(req.json);
  const model = asString(body?.model) ?? '';
  if (!body || model.length === 0) {
    sendOllamaError(res, 400, 'model is required');
    return;
  }
  sendJson(res, 200, { embedding: embed(asString(body.prompt) ?? '', DEFAULT_DIMENSIONS) }, jsonHeaders);
}
