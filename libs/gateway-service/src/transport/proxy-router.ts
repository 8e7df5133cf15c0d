import type { RequestOperation, RequestSurface } from '@optscale/contracts';
import type { ClientCodec } from './client-codecs';
import { anthropicCodec, cursorCodec, openAIChatCodec, responsesCodec } from './client-codecs';

export type ProxyEndpoint =
  | 'chat'
  | 'embeddings'
  | 'models'
  | 'model'
  | 'anthropic-models'
  | 'anthropic-model'
  | 'count-tokens'
  | 'probe';

export interface ProxyRoute {
  endpoint: ProxyEndpoint;
  surface: RequestSurface;
  operation: RequestOperation;
  codec: ClientCodec;
}

export interface MatchedRoute {
  route?: ProxyRoute;
  organizationId: string;
  /** The model id of `/models/{id}` (it may contain `/`). */
  modelId?: string;
  /** `?…` of the URL, or ''. */
  query: string;
  /** The codec of the surface the path names, for errors even when no route matched. */
  codec: ClientCodec;
}

const route = (
  endpoint: ProxyEndpoint,
  surface: RequestSurface,
  operation: RequestOperation,
  codec: ClientCodec,
): ProxyRoute => ({ endpoint, surface, operation, codec });

/** `METHOD path-after-/llm_proxy/<org>` → route. */
const EXACT = new Map<string, ProxyRoute>([
  ['POST /v1/chat/completions', route('chat', 'openai', 'chat', openAIChatCodec)],
  ['POST /v1/responses', route('chat', 'openai', 'responses', responsesCodec)],
  ['POST /v1/embeddings', route('embeddings', 'openai', 'embeddings', openAIChatCodec)],
  ['GET /v1/models', route('models', 'openai', 'models', openAIChatCodec)],
  ['POST /anthropic/v1/messages', route('chat', 'anthropic', 'chat', anthropicCodec)],
  [
    'POST /anthropic/v1/messages/count_tokens',
    route('count-tokens', 'anthropic', 'count_tokens', anthropicCodec),
  ],
  ['GET /anthropic/v1/models', route('anthropic-models', 'anthropic', 'models', anthropicCodec)],
  ['HEAD /anthropic', route('probe', 'anthropic', 'models', anthropicCodec)],
  ['HEAD /anthropic/', route('probe', 'anthropic', 'models', anthropicCodec)],
  ['POST /cursor/chat/completions', route('chat', 'cursor', 'chat', cursorCodec)],
  ['POST /cursor/v1/chat/completions', route('chat', 'cursor', 'chat', cursorCodec)],
  ['GET /cursor/models', route('models', 'cursor', 'models', cursorCodec)],
  ['GET /cursor/v1/models', route('models', 'cursor', 'models', cursorCodec)],
]);

/** `/models/{id}` lookups: path prefix → route. */
const BY_ID: ReadonlyArray<readonly [string, ProxyRoute]> = [
  ['/v1/models/', route('model', 'openai', 'models', openAIChatCodec)],
  ['/anthropic/v1/models/', route('anthropic-model', 'anthropic', 'models', anthropicCodec)],
  ['/cursor/models/', route('model', 'cursor', 'models', cursorCodec)],
  ['/cursor/v1/models/', route('model', 'cursor', 'models', cursorCodec)],
];

export const PROXY_PREFIX = '/llm_proxy/';

/**
 * Match a URL under `/llm_proxy/<org>/`. Undefined when the URL is not under the prefix at all
 * (Nest's routes serve it).
 */
export function matchProxyRoute(method: string, url: string): MatchedRoute | undefined {
  if (!url.startsWith(PROXY_PREFIX)) return undefined;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);
  const slash = path.indexOf('/', PROXY_PREFIX.length);
  const organizationId = decodeURIComponent(
    path.slice(PROXY_PREFIX.length, slash === -1 ? undefined : slash),
  );
  const rest = slash === -1 ? '' : path.slice(slash);
  const codec = rest.startsWith('/anthropic')
    ? anthropicCodec
    : rest.startsWith('/cursor')
      ? cursorCodec
      : openAIChatCodec;
  const exact = EXACT.get(`${method} ${rest}`);
  if (exact) return { route: exact, organizationId, query, codec };
  if (method === 'GET') {
    for (const [prefix, byId] of BY_ID) {
      if (rest.startsWith(prefix) && rest.length > prefix.length) {
        return {
          route: byId,
          organizationId,
          modelId: decodeURIComponent(rest.slice(prefix.length)),
          query,
          codec,
        };
      }
    }
  }
  return { organizationId, query, codec };
}
