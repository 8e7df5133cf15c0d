import type { UpstreamTarget } from '../adapter';

/** The Gemini API (AI Studio) root; a configured base URL replaces it (e.g. a regional proxy). */
export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';

/** The configured base without trailing slashes, or the public endpoint when none is set. */
export function geminiBaseUrl(baseUrl: string): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  return trimmed.length > 0 ? trimmed : GEMINI_DEFAULT_BASE_URL;
}

/**
 * The model's resource name, `models/{id}`. A name that already carries its collection
 * (`models/x`, `tunedModels/x`) is kept; each segment is URL-encoded so a model name can never
 * add path segments or a query to the URL.
 */
export function geminiModelResource(model: string): string {
  const name = model.trim();
  const qualified = /^(models|tunedModels)\//.test(name) ? name : `models/${name}`;
  return qualified.split('/').map(encodeURIComponent).join('/');
}

/** `{base}/models/{model}:{method}` with an optional query string (without `?`). */
export function geminiModelUrl(
  target: Pick<UpstreamTarget, 'baseUrl' | 'model'>,
  method: string,
  query?: string,
): string {
  const url = `${geminiBaseUrl(target.baseUrl)}/${geminiModelResource(target.model)}:${method}`;
  return query === undefined ? url : `${url}?${query}`;
}

/** JSON request headers; the key goes in `x-goog-api-key` (never in the URL, where it would be logged). */
export function geminiHeaders(apiKey: string, accept?: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (accept !== undefined) headers.accept = accept;
  if (apiKey.length > 0) headers['x-goog-api-key'] = apiKey;
  return headers;
}
