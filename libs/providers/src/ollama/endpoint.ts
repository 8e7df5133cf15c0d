/** A local Ollama's default address. */
export const OLLAMA_DEFAULT_BASE_URL = 'http://127.0.0.1:11434';

/**
 * The server root. Operators often paste the OpenAI-compatible (`…/v1`) or native (`…/api`) URL;
 * the native endpoints are all under `/api`, so that suffix (and trailing slashes) is removed.
 */
export function ollamaBaseUrl(baseUrl: string): string {
  const trimmed = baseUrl
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/(v1|api)$/, '')
    .replace(/\/+$/, '');
  return trimmed.length > 0 ? trimmed : OLLAMA_DEFAULT_BASE_URL;
}

/** JSON headers; `Authorization` only when a key is configured (a local Ollama needs none). */
export function ollamaHeaders(apiKey: string, json = true): Record<string, string> {
  const headers: Record<string, string> = {};
  if (json) headers['content-type'] = 'application/json';
  if (apiKey.length > 0) headers.authorization = `Bearer ${apiKey}`;
  return headers;
}
