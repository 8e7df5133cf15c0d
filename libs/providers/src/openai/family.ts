import {
  createOpenAIChatStreamDecoder,
  decodeOpenAIChatResponse,
  encodeOpenAIChatRequest,
} from '@optscale/protocol';
import type { ProviderAdapter, UpstreamRequest, UpstreamTarget } from '../adapter';
import { embeddingsBody, parseEmbeddingsResponse } from './embeddings';
import { parseOpenAIError } from './errors';
import { parseListModels } from './models';

/** The endpoints of the OpenAI family the gateway calls, by their OpenAI path. */
export type OpenAIEndpoint = '/chat/completions' | '/responses' | '/embeddings' | '/models';

/** A target for URL building; listing models has no model. */
export type EndpointTarget = Omit<UpstreamTarget, 'model'> & { model?: string };

/**
 * What differs between OpenAI-family providers. Everything else (the Chat Completions codec, error
 * envelope, model list, embeddings) is shared, so the long tail of compatible servers is
 * configuration, not copies.
 */
export interface OpenAIFamilyConfig {
  apiType: 'openai' | 'openai-compatible' | 'azure-openai';
  /** Reasoning models on OpenAI/Azure reject `max_tokens`; many compatible servers only know it. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /**
   * Whether the server accepts `stream_options.include_usage` on streaming requests (then it is
   * always sent, so usage is known even when the client did not ask). Never sent on non-streaming
   * requests: servers that do not know `stream_options` may 400 on it (WIRE-FORMATS pitfall 16).
   */
  streamUsageOption: boolean;
  /** The absolute URL of an endpoint. */
  url(target: EndpointTarget, endpoint: OpenAIEndpoint): string;
  /** The credential headers for a key (none when the key is empty, e.g. a local server). */
  authHeaders(apiKey: string): Record<string, string>;
  /** Endpoints a same-dialect client body may be forwarded to unchanged. */
  passthroughEndpoints: readonly OpenAIEndpoint[];
}

/** A configured base URL without trailing slashes, or `fallback` when none is set. */
export function trimBaseUrl(baseUrl: string, fallback = ''): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  return trimmed.length > 0 ? trimmed : fallback;
}

export function bearerAuth(apiKey: string): Record<string, string> {
  return apiKey.length > 0 ? { authorization: `Bearer ${apiKey}` } : {};
}

/** The endpoint a passthrough path names (query string and trailing slash ignored), if it is one. */
function endpointOf(path: string): OpenAIEndpoint | undefined {
  const pathname = (path.split('?')[0] ?? '').replace(/\/+$/, '');
  switch (pathname) {
    case '/chat/completions':
    case '/responses':
    case '/embeddings':
    case '/models':
      return pathname;
    default:
      return undefined;
  }
}

export function createOpenAIFamilyProvider(config: OpenAIFamilyConfig): ProviderAdapter {
  const post = (url: string, apiKey: string, body: string, accept = 'application/json'): UpstreamRequest => ({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', accept, ...config.authHeaders(apiKey) },
    body,
  });

  return {
    apiType: config.apiType,
    dialect: 'openai-chat',
    streamFraming: 'sse',
    streamUsageOption: config.streamUsageOption,

    buildChatRequest(req, target) {
      const model = target.model.length > 0 ? target.model : req.model;
      const body = encodeOpenAIChatRequest(
        { ...req, model },
        { maxTokensField: config.maxTokensField, streamUsage: req.stream && config.streamUsageOption },
      );
      const accept = req.stream ? 'text/event-stream' : 'application/json';
      return post(config.url(target, '/chat/completions'), target.apiKey, JSON.stringify(body), accept);
    },

    parseChatResponse: (body, ctx) => decodeOpenAIChatResponse(body, ctx),
    createStreamDecoder: (ctx) => createOpenAIChatStreamDecoder(ctx),
    parseError: parseOpenAIError,

    /** The client's body as is, with the provider's credentials; client auth headers are never copied. */
    buildPassthroughRequest(path, body, target, _clientHeaders) {
      const endpoint = endpointOf(path);
      if (endpoint === undefined || !config.passthroughEndpoints.includes(endpoint)) {
        throw new Error(`${config.apiType} cannot forward ${path}`);
      }
      return post(config.url(target, endpoint), target.apiKey, body);
    },

    buildListModelsRequest: (target) => ({
      method: 'GET',
      url: config.url(target, '/models'),
      headers: { accept: 'application/json', ...config.authHeaders(target.apiKey) },
    }),
    parseListModels,

    buildEmbeddingsRequest(req, target) {
      const model = target.model.length > 0 ? target.model : req.model;
      return post(
        config.url(target, '/embeddings'),
        target.apiKey,
        JSON.stringify(embeddingsBody(req, model)),
      );
    },
    parseEmbeddingsResponse,
  };
}
