import type {
  SseEvent,
  ChatRequest,
  ChatResponse,
  Dialect,
  StreamDecoder,
  StreamEvent,
  TranslateContext,
} from '@optscale/protocol';
import { PROVIDER_API_TYPES, type ProviderApiType } from '@optscale/contracts';

/**
 * The `api_type` values (each is one folder under libs/providers/src). The list is owned by
 * `@optscale/contracts` because the providers snapshot on the bus carries one; re-exported here so
 * that code building adapters keeps one import.
 */
export { PROVIDER_API_TYPES, type ProviderApiType };

/** Where and how to reach one provider connection, resolved from config (credentials decrypted). */
export interface UpstreamTarget {
  /** Base URL as configured, e.g. `https://api.openai.com/v1`, `https://api.anthropic.com`. */
  baseUrl: string;
  /** The provider credential (never logged). Empty when the provider needs none (local Ollama). */
  apiKey: string;
  /** The model name as the provider knows it (the `<proxy_name>/` prefix already removed). */
  model: string;
  /** Azure OpenAI: `api-version` query value. */
  apiVersion?: string;
}

/** A fully built upstream HTTP request. `url` is absolute. */
export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'HEAD';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** How a provider frames a streamed body. */
export type StreamFraming = 'sse' | 'ndjson';

/**
 * An upstream stream chunk after framing: an SSE event (`event` name when it had one, `data`), or
 * one NDJSON line as `{ data: line }`.
 */
export type FramedChunk = SseEvent;

/** A provider's error, normalized. `body` is the upstream body text, to pass through when dialects match. */
export interface UpstreamError {
  status: number;
  message: string;
  /** Provider error type/status string, e.g. `rate_limit_error`, `RESOURCE_EXHAUSTED`. */
  type?: string;
  code?: string | null;
  param?: string | null;
  /** Seconds or an HTTP date, from the upstream `retry-after` header. */
  retryAfter?: string;
  body: string;
}

/** A model a provider exposes, as its list endpoint reports it. */
export interface ProviderModel {
  id: string;
  /** Unix seconds, when known. */
  created?: number;
  displayName?: string;
}

export interface EmbeddingsRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  dimensions?: number;
  user?: string;
}

export interface EmbeddingsResponse {
  model: string;
  /** Float vectors, in input order. The gateway encodes base64 itself when the client asked for it. */
  vectors: number[][];
  promptTokens: number;
}

/**
 * One provider API. Pure functions from canonical shapes to the provider's wire and back; the
 * gateway does all I/O. Optional members are capabilities a provider may lack.
 */
export interface ProviderAdapter {
  readonly apiType: ProviderApiType;
  /** The wire dialect of its chat endpoint; same dialect as the client means bytes can be forwarded. */
  readonly dialect: Dialect;
  readonly streamFraming: StreamFraming;
  /**
   * OpenAI family: the server accepts `stream_options.include_usage: true` on streamed Chat
   * Completions, so the gateway asks for usage on every stream, also on bodies it forwards for a
   * client that did not ask (and strips the usage back out for it). Absent or false: never sent
   * (servers that refuse unknown fields keep working; their streams may then carry no usage).
   */
  readonly streamUsageOption?: boolean;

  /** Build the chat request (streaming or not, per `req.stream`). */
  buildChatRequest(req: ChatRequest, target: UpstreamTarget): UpstreamRequest;
  /** Decode a successful non-streaming chat response body (already JSON-parsed). */
  parseChatResponse(body: unknown, ctx: TranslateContext): ChatResponse;
  /** A decoder for the streamed chat body, one framed chunk at a time. */
  createStreamDecoder(ctx: TranslateContext): StreamDecoder<FramedChunk>;
  /** Normalize an error response (non-2xx) of any endpoint. */
  parseError(status: number, headers: Record<string, string>, body: string): UpstreamError;

  /**
   * For byte forwarding when the client speaks this provider's dialect: URL and headers for a
   * client body sent as is. `path` is the dialect path after the surface prefix, e.g.
   * `/chat/completions`, `/v1/messages`, `/responses`, `/v1/messages/count_tokens`.
   * `clientHeaders` are the client's request headers (lower-case names); adapters copy only what
   * the provider needs (e.g. `anthropic-version`, `anthropic-beta`).
   */
  buildPassthroughRequest?(
    path: string,
    body: string,
    target: UpstreamTarget,
    clientHeaders: Readonly<Record<string, string | string[] | undefined>>,
  ): UpstreamRequest;

  /** List models (GET), when the provider has a list endpoint. */
  buildListModelsRequest?(target: Omit<UpstreamTarget, 'model'>): UpstreamRequest;
  parseListModels?(body: unknown): ProviderModel[];

  buildEmbeddingsRequest?(req: EmbeddingsRequest, target: UpstreamTarget): UpstreamRequest;
  parseEmbeddingsResponse?(body: unknown): EmbeddingsResponse;

  /** Exact token counting, where the provider can count (Anthropic `count_tokens`, Gemini `countTokens`). */
  buildCountTokensRequest?(req: ChatRequest, target: UpstreamTarget): UpstreamRequest;
  parseCountTokens?(body: unknown): number;

  /** Provider-specific fix-ups of a canonical event (rarely needed). */
  readonly mapEvent?: (event: StreamEvent) => StreamEvent;
}
