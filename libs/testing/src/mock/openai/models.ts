import type { ServerResponse } from 'node:http';
import type { MockContext, MockRequest } from '../dialect';
import { sendJson } from '../http';
import { defaultOpenAIError, JSON_TYPE, openaiHeaders, sendOpenAIError } from './common';

/** A fixed creation time (unix seconds) for every listed model. */
const CREATED = 1686935002;

const modelObject = (id: string): Record<string, unknown> => ({
  id,
  object: 'model',
  created: CREATED,
  owned_by: 'system',
});

/** `GET /v1/models`. */
export function handleListModels(req: MockRequest, res: ServerResponse, ctx: MockContext): void {
  sendJson(res, 200, { object: 'list', data: ctx.models.map(modelObject) }, openaiHeaders(req, JSON_TYPE));
}

/** `GET /v1/models/{id}`: the model, or OpenAI's 404 envelope. */
export function handleGetModel(req: MockRequest, res: ServerResponse, ctx: MockContext, id: string): void {
  if (ctx.models.includes(id)) {
    sendJson(res, 200, modelObject(id), openaiHeaders(req, JSON_TYPE));
    return;
  }
  sendOpenAIError(res, req, 404, { ...defaultOpenAIError(404, id), param: 'model' });
}
