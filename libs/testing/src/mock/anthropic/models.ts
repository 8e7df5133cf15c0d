import type { ServerResponse } from 'node:http';
import type { MockContext, MockRequest } from '../dialect';
import { sendJson } from '../http';
import { ids } from '../ids';
import { anthropicHeaders, JSON_TYPE, sendAnthropicError } from './common';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;
const DATED = /^(.*)-(\d{4})(\d{2})(\d{2})$/;

/** `claude-sonnet-4-5-20250929` → "Claude Sonnet 4.5", created 2025-09-29. */
function modelObject(id: string): Record<string, unknown> {
  const dated = DATED.exec(id);
  const stem = dated?.[1] ?? id;
  const created = dated ? `${dated[2]}-${dated[3]}-${dated[4]}T00:00:00Z` : '2025-01-01T00:00:00Z';
  const words: string[] = [];
  for (const part of stem.split('-')) {
    const last = words[words.length - 1];
    if (/^\d+$/.test(part) && last !== undefined && /^\d+(\.\d+)*$/.test(last))
      words[words.length - 1] = `${last}.${part}`;
    else words.push(part.charAt(0).toUpperCase() + part.slice(1));
  }
  return { type: 'model', id, display_name: words.join(' '), created_at: created };
}

/** `GET /v1/models` in Anthropic's paged shape (`limit`, `after_id`, `before_id`). */
export function handleListModels(req: MockRequest, res: ServerResponse, ctx: MockContext): void {
  const limit = Math.min(
    MAX_LIMIT,
    Math.max(1, Number(req.query.get('limit') ?? DEFAULT_LIMIT) || DEFAULT_LIMIT),
  );
  let models = [...ctx.models];
  const after = req.query.get('after_id');
  const before = req.query.get('before_id');
  if (after !== null) models = models.slice(models.indexOf(after) + 1);
  if (before !== null && models.includes(before)) models = models.slice(0, models.indexOf(before));
  const page = before !== null ? models.slice(-limit) : models.slice(0, limit);
  sendJson(
    res,
    200,
    {
      data: page.map(modelObject),
      has_more: page.length < models.length,
      first_id: page[0] ?? null,
      last_id: page[page.length - 1] ?? null,
    },
    anthropicHeaders(JSON_TYPE, ids.anthropicRequest()),
  );
}

/** `GET /v1/models/{id}`. */
export function handleGetModel(res: ServerResponse, ctx: MockContext, id: string): void {
  if (ctx.models.includes(id)) {
    sendJson(res, 200, modelObject(id), anthropicHeaders(JSON_TYPE, ids.anthropicRequest()));
    return;
  }
  sendAnthropicError(res, 404, { type: 'not_found_error', message: `model: ${id}` });
}
