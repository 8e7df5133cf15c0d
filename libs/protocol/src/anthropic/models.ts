import { isObject, text } from './json';

export interface AnthropicModelInfo {
  id: string;
  displayName?: string;
  /** Unix seconds. */
  created?: number;
}

export interface AnthropicModelListQuery {
  limit?: number;
  afterId?: string;
  beforeId?: string;
}

export interface AnthropicModelList {
  data: Array<{ type: 'model'; id: string; display_name: string; created_at: string }>;
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

/** Unix seconds → RFC 3339 without fractional seconds, as Anthropic writes `created_at`. */
function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A page of models in Anthropic's list shape (WIRE-FORMATS 3.7): `limit` 1–1000 (default 20),
 * `after_id` = the page after that id, `before_id` = the page just before it; `has_more` says
 * whether more exist in the paging direction. An unknown cursor id gives an empty page.
 */
export function encodeAnthropicModelList(
  models: AnthropicModelInfo[],
  query: AnthropicModelListQuery,
): AnthropicModelList {
  const wanted =
    query.limit !== undefined && Number.isFinite(query.limit) ? Math.floor(query.limit) : DEFAULT_LIMIT;
  const limit = Math.min(MAX_LIMIT, Math.max(1, wanted));
  let page: AnthropicModelInfo[];
  let hasMore: boolean;
  if (query.afterId !== undefined) {
    const at = models.findIndex((m) => m.id === query.afterId);
    const start = at === -1 ? models.length : at + 1;
    page = models.slice(start, start + limit);
    hasMore = start + limit < models.length;
  } else if (query.beforeId !== undefined) {
    const end = Math.max(
      0,
      models.findIndex((m) => m.id === query.beforeId),
    );
    const start = Math.max(0, end - limit);
    page = models.slice(start, end);
    hasMore = start > 0;
  } else {
    page = models.slice(0, limit);
    hasMore = limit < models.length;
  }
  return {
    data: page.map((m) => ({
      type: 'model',
      id: m.id,
      display_name: m.displayName ?? m.id,
      created_at: rfc3339(m.created ?? 0),
    })),
    has_more: hasMore,
    first_id: page[0]?.id ?? null,
    last_id: page[page.length - 1]?.id ?? null,
  };
}

/** An Anthropic `/v1/models` body → models (entries without an id are skipped). */
export function decodeAnthropicModelList(body: unknown): AnthropicModelInfo[] {
  if (!isObject(body) || !Array.isArray(body.data)) return [];
  const models: AnthropicModelInfo[] = [];
  for (const item of body.data) {
    if (!isObject(item)) continue;
    const id = text(item.id);
    if (id === undefined || id === '') continue;
    const displayName = text(item.display_name);
    const createdAt = text(item.created_at);
    const millis = createdAt !== undefined ? Date.parse(createdAt) : Number.NaN;
    models.push({
      id,
      ...(displayName !== undefined ? { displayName } : {}),
      ...(Number.isFinite(millis) ? { created: Math.floor(millis / 1000) } : {}),
    });
  }
  return models;
}
