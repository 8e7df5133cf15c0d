import type { UpstreamRequest, UpstreamTarget } from '../adapter';
import { anthropicHeaders, anthropicUrl, ANTHROPIC_VERSION } from './endpoint';

/** The client paths forwarded byte-for-byte to an Anthropic upstream. */
const PASSTHROUGH_PATHS = new Set(['/v1/messages', '/v1/messages/count_tokens']);

type ClientHeaders = Readonly<Record<string, string | string[] | undefined>>;

function headerValue(headers: ClientHeaders, name: string, joiner: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(joiner) : value;
}

/**
 * A client's Messages (or count_tokens) body forwarded as is: the provider key replaces the client's
 * credential; `anthropic-version` and `anthropic-beta` are copied unchanged (never filtered: new
 * betas arrive with every Claude Code release); `?beta=true` is kept when the client sent it.
 */
export function buildAnthropicPassthrough(
  path: string,
  body: string,
  target: UpstreamTarget,
  clientHeaders: ClientHeaders,
): UpstreamRequest {
  const q = path.indexOf('?');
  const pathname = q === -1 ? path : path.slice(0, q);
  if (!PASSTHROUGH_PATHS.has(pathname)) {
    throw new Error(`Anthropic passthrough does not serve ${pathname}`);
  }
  const query = new URLSearchParams(q === -1 ? '' : path.slice(q + 1));
  const suffix = query.get('beta') === 'true' ? '?beta=true' : '';
  const clientVersion = firstValue(clientHeaders, 'anthropic-version');
  const version = clientVersion !== undefined && clientVersion !== '' ? clientVersion : ANTHROPIC_VERSION;
  const beta = headerValue(clientHeaders, 'anthropic-beta', ',');
  return {
    method: 'POST',
    url: anthropicUrl(target.baseUrl, pathname) + suffix,
    headers: anthropicHeaders(target.apiKey, { version, ...(beta !== undefined ? { beta } : {}) }),
    body,
  };
}

/** A single-valued header: the first value when it was repeated. */
function firstValue(clientHeaders: ClientHeaders, name: string): string | undefined {
  const value = clientHeaders[name];
  return Array.isArray(value) ? value[0] : value;
}
