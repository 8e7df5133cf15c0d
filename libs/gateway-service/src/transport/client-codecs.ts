import {
  anthropicErrorType,
  createAnthropicStreamEncoder,
  createOpenAIChatStreamEncoder,
  createResponsesStreamEncoder,
  customToolNames,
  decodeAnthropicRequest,
  decodeCursorRequest,
  decodeOpenAIChatRequest,
  decodeResponsesRequest,
  encodeAnthropicError,
  encodeAnthropicResponse,
  encodeOpenAIChatResponse,
  encodeOpenAIError,
  encodeResponsesResponse,
  type ChatRequest,
  type ChatResponse,
  type Dialect,
  type StreamEncoder,
  type TranslateContext,
} from '@optscale/protocol';
import type { ProviderConnection } from '../config/gateway-state';

/** A surface's error as the client will see it. */
export interface ClientError {
  status: number;
  body: unknown;
}

/**
 * How one client dialect is read and written. The pipeline is generic over these; each surface
 * route picks one.
 */
export interface ClientCodec {
  readonly name: 'openai-chat' | 'openai-responses' | 'anthropic' | 'cursor';
  /** Response `content-type` of a stream. */
  decodeRequest(body: unknown): ChatRequest;
  encodeResponse(res: ChatResponse, ctx: TranslateContext, req: ChatRequest): unknown;
  createStreamEncoder(ctx: TranslateContext, req: ChatRequest): StreamEncoder;
  /** The dialect path to forward a body to when the provider speaks this dialect, else undefined. */
  passthroughPath(provider: ProviderConnection): string | undefined;
  error(status: number, message: string, opts: ErrorOptions): ClientError;
}

export interface ErrorOptions {
  /** The dialect's error type when known (an upstream's own type), else derived from the status. */
  type?: string;
  param?: string | null;
  code?: string | null;
  requestId: string;
}

const openAIError = (status: number, message: string, opts: ErrorOptions): ClientError => {
  // OpenAI clients know no 529: it is an overload, which they retry as 503.
  const s = status === 529 ? 503 : status;
  const o: { type?: string; param?: string | null; code?: string | null } = {
    param: opts.param ?? null,
    code: opts.code ?? null,
  };
  if (opts.type !== undefined) o.type = opts.type;
  return { status: s, body: encodeOpenAIError(s, message, o) };
};

const sameDialect = (provider: ProviderConnection, dialect: Dialect): boolean =>
  provider.adapter.dialect === dialect && provider.adapter.buildPassthroughRequest !== undefined;

export const openAIChatCodec: ClientCodec = {
  name: 'openai-chat',
  decodeRequest: decodeOpenAIChatRequest,
  encodeResponse: (res, ctx) => encodeOpenAIChatResponse(res, ctx),
  createStreamEncoder: (ctx, req) =>
    createOpenAIChatStreamEncoder(ctx, { includeUsage: req.includeUsage === true }),
  passthroughPath: (p) =>
    sameDialect(p, 'openai-chat') && p.apiType !== 'azure-openai' ? '/chat/completions' : undefined,
  error: openAIError,
};

export const responsesCodec: ClientCodec = {
  name: 'openai-responses',
  decodeRequest: decodeResponsesRequest,
  encodeResponse: (res, ctx, req) => encodeResponsesResponse(res, ctx, { request: req }),
  createStreamEncoder: (ctx, req) => createResponsesStreamEncoder(ctx, { request: req }),
  // Only OpenAI itself is known to serve /responses; others get it translated to Chat.
  passthroughPath: (p) => (p.apiType === 'openai' ? '/responses' : undefined),
  error: openAIError,
};

export const cursorCodec: ClientCodec = {
  name: 'cursor',
  decodeRequest: decodeCursorRequest,
  // Cursor's free-form tools (ApplyPatch) reach the provider as functions; their calls go back to
  // Cursor as `type: "custom"` tool calls.
  encodeResponse: (res, ctx, req) =>
    encodeOpenAIChatResponse(res, ctx, { customTools: customToolNames(req.tools) }),
  createStreamEncoder: (ctx, req) =>
    createOpenAIChatStreamEncoder(ctx, {
      includeUsage: req.includeUsage === true,
      customTools: customToolNames(req.tools),
    }),
  // Cursor's hybrid bodies are always normalized: no provider speaks them.
  passthroughPath: () => undefined,
  error: openAIError,
};

export const anthropicCodec: ClientCodec = {
  name: 'anthropic',
  decodeRequest: decodeAnthropicRequest,
  encodeResponse: (res, ctx) => encodeAnthropicResponse(res, ctx),
  createStreamEncoder: (ctx) => createAnthropicStreamEncoder(ctx),
  passthroughPath: (p) => (sameDialect(p, 'anthropic') ? '/v1/messages' : undefined),
  error: (status, message, opts) => {
    // Claude Code retries 529 "Overloaded"; an upstream 503 means the same thing.
    const s = status === 503 ? 529 : status;
    return {
      status: s,
      body: encodeAnthropicError(s, message, {
        type: opts.type ?? anthropicErrorType(s),
        requestId: opts.requestId,
      }),
    };
  },
};
