import { providerAdapter, type ProviderApiType, type UpstreamRequest } from '@optscale/providers';

/** Where to list a provider's models: its connection as stored, with the credential decrypted. */
export interface DiscoveryTarget {
  apiType: ProviderApiType;
  baseUrl: string;
  /** Empty when the connection has no credential (a local Ollama). Never logged or reported. */
  apiKey: string;
  apiVersion?: string;
}

export interface DiscoveryOptions {
  /** Deadline for the whole listing, every page included (default 10 s). */
  timeoutMs?: number;
}

/** The upstream could not list its models. The message names the URL and status, never the key. */
export class DiscoveryError extends Error {
  constructor(
    message: string,
    /** The upstream's HTTP status, when it answered. */
    readonly upstreamStatus?: number,
  ) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

/** A runaway cursor (a server that always says "more") must not loop forever. */
const MAX_PAGES = 50;
const DEFAULT_TIMEOUT_MS = 10_000;

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The URL of the page after `body`, or undefined on the last page. Anthropic pages with
 * `has_more` + `last_id` (→ `after_id`), Gemini with `nextPageToken` (→ `pageToken`); the OpenAI
 * family and Ollama answer in one page.
 */
export function nextPageUrl(apiType: ProviderApiType, url: string, body: unknown): string | undefined {
  const page = record(body);
  const next = new URL(url);
  switch (apiType) {
    case 'anthropic': {
      const lastId = page?.['last_id'];
      if (page?.['has_more'] !== true || typeof lastId !== 'string' || lastId.length === 0) return undefined;
      next.searchParams.set('after_id', lastId);
      return next.toString();
    }
    case 'gemini': {
      const token = page?.['nextPageToken'];
      if (typeof token !== 'string' || token.length === 0) return undefined;
      next.searchParams.set('pageToken', token);
      return next.toString();
    }
    case 'openai':
    case 'openai-compatible':
    case 'azure-openai':
    case 'ollama':
      return undefined;
  }
}

/** A URL fit for an error message: no user-info, no query (which may carry a key on some servers). */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

async function fetchPage(request: UpstreamRequest, url: string, signal: AbortSignal): Promise<unknown> {
  const where = `GET ${displayUrl(url)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...request.headers },
      signal,
      redirect: 'error',
    });
  } catch (error) {
    if (signal.aborted) throw new DiscoveryError(`${where} did not answer in time`);
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : 'network error';
    throw new DiscoveryError(`${where} could not be reached (${code})`);
  }
  // The upstream's error body is not relayed: some servers quote (part of) the key they rejected.
  if (!response.ok) {
    await response.body?.cancel();
    throw new DiscoveryError(
      `${where} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
      response.status,
    );
  }
  try {
    const body: unknown = await response.json();
    return body;
  } catch {
    if (signal.aborted) throw new DiscoveryError(`${where} did not answer in time`);
    throw new DiscoveryError(`${where} answered with a body that is not JSON`, response.status);
  }
}

/**
 * The model ids a provider lists, from its own list endpoint built by the providers library (so the
 * same base URL conventions as the gateway's calls), following pages. Duplicates are dropped, ids
 * keep the upstream's order.
 */
export async function listUpstreamModels(
  target: DiscoveryTarget,
  options: DiscoveryOptions = {},
): Promise<string[]> {
  const adapter = providerAdapter(target.apiType);
  if (!adapter.buildListModelsRequest || !adapter.parseListModels) {
    throw new DiscoveryError(`the ${target.apiType} API has no model list`);
  }
  const request = adapter.buildListModelsRequest({
    baseUrl: target.baseUrl,
    apiKey: target.apiKey,
    ...(target.apiVersion ? { apiVersion: target.apiVersion } : {}),
  });
  const signal = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const ids = new Set<string>();
  let url: string | undefined = request.url;
  for (let page = 0; url !== undefined && page < MAX_PAGES; page += 1) {
    const body = await fetchPage(request, url, signal);
    for (const model of adapter.parseListModels(body)) ids.add(model.id);
    const next = nextPageUrl(target.apiType, url, body);
    url = next === url ? undefined : next;
  }
  return [...ids];
}
