/** Anthropic's public API root; a configured base URL (a proxy, a compatible server) replaces it. */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** The only Messages API version there is (WIRE-FORMATS 3.1). */
export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * The configured base without trailing slashes or a trailing `/v1` (operators paste either
 * `https://api.anthropic.com` or `https://api.anthropic.com/v1`); paths then add `/v1/...`.
 */
export function anthropicBaseUrl(baseUrl: string): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
  return trimmed.length > 0 ? trimmed : ANTHROPIC_DEFAULT_BASE_URL;
}

export function anthropicUrl(baseUrl: string, path: string): string {
  return `${anthropicBaseUrl(baseUrl)}${path}`;
}

/** Request headers: the provider key as `x-api-key` (when there is one), version, JSON. */
export function anthropicHeaders(
  apiKey: string,
  extra: { version?: string; beta?: string } = {},
): Record<string, string> {
  const headers: Record<string, string> = {
    'anthropic-version': extra.version ?? ANTHROPIC_VERSION,
    'content-type': 'application/json',
  };
  if (extra.beta !== undefined) headers['anthropic-beta'] = extra.beta;
  if (apiKey.length > 0) headers['x-api-key'] = apiKey;
  return headers;
}

/**
 * `max_tokens` for a request that has none (Anthropic requires it): the output limit of the
 * model's generation, conservatively. Claude 3 models allow 4096, Claude 3.5 8192, later ones
 * (3.7, 4.x and newer) far more; unknown (non-Claude) models on Anthropic-compatible servers get 4096.
 */
export function defaultMaxTokens(model: string): number {
  const m = model.toLowerCase();
  if (/claude-(instant|2)|claude-3-(haiku|sonnet|opus)/.test(m)) return 4096;
  if (/claude-3-5/.test(m)) return 8192;
  if (m.includes('claude')) return 16384;
  return 4096;
}
