/**
 * The canonical model: the one shape every dialect is decoded into and encoded from.
 *
 * Each client dialect (OpenAI Chat, OpenAI Responses, Anthropic Messages, Cursor) has a decoder to
 * this model and an encoder from it; each provider dialect (OpenAI Chat, Anthropic, Gemini,
 * Ollama) has an encoder to its wire and a decoder back. N + M translators instead of N x M.
 *
 * The model follows Anthropic's block structure (the richest of the dialects: reasoning with
 * signatures, cache markers, tool results as parts of a user turn) and keeps tool-call arguments
 * as JSON text (OpenAI's form), because streams deliver them as text fragments.
 *
 * When client and provider speak the same dialect the gateway forwards bytes instead, so nothing
 * here has to be lossless for that case; `passthrough` carries fields the model has no place for,
 * to be re-emitted by an encoder of the same dialect.
 */

/** The wire dialects the gateway speaks, as client surface or as provider API. */
export type Dialect = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini' | 'ollama';

export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export interface TextPart {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
}

export type ImageSource = { kind: 'base64'; mediaType: string; data: string } | { kind: 'url'; url: string };

export interface ImagePart {
  type: 'image';
  source: ImageSource;
  /** OpenAI's `detail`; dropped for dialects without it. */
  detail?: string;
  cacheControl?: CacheControl;
}

export type DocumentSource =
  | { kind: 'base64'; mediaType: string; data: string }
  | { kind: 'url'; url: string }
  | { kind: 'text'; text: string }
  | { kind: 'file'; fileId: string };

export interface DocumentPart {
  type: 'document';
  source: DocumentSource;
  filename?: string;
  title?: string;
  cacheControl?: CacheControl;
}

/** A model's request to call a tool. `arguments` is JSON text (possibly `""` = no arguments). */
export interface ToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  arguments: string;
  /** Gemini 3 needs its thought signature replayed on function-call parts. */
  thoughtSignature?: string;
  cacheControl?: CacheControl;
}

export interface ToolResultPart {
  type: 'tool_result';
  toolCallId: string;
  /** The tool's name when the dialect carried it (Gemini needs it; OpenAI `tool` messages do not carry it). */
  name?: string;
  content: Array<TextPart | ImagePart | DocumentPart>;
  isError?: boolean;
  cacheControl?: CacheControl;
}

/**
 * Model reasoning. `signature` is Anthropic's (opaque, must be replayed unchanged to Anthropic);
 * `redacted` holds the data of a `redacted_thinking` block.
 */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  signature?: string;
  redacted?: string;
}

/** A block of a dialect the model does not know, kept verbatim for an encoder of that dialect. */
export interface OpaquePart {
  type: 'opaque';
  dialect: Dialect;
  value: Record<string, unknown>;
}

export type ContentPart =
  TextPart | ImagePart | DocumentPart | ToolCallPart | ToolResultPart | ReasoningPart | OpaquePart;

/**
 * A turn. Tool results are parts of a `user` turn (Anthropic style); the OpenAI encoder splits them
 * into `role: "tool"` messages placed before the rest of that turn. `system` turns are
 * mid-conversation system messages (Claude Code sends them); the leading system prompt lives in
 * `ChatRequest.system`.
 */
export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: ContentPart[];
  /** OpenAI's optional participant name. */
  name?: string;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  strict?: boolean;
  cacheControl?: CacheControl;
  /**
   * A free-form ("custom") tool: one string argument `input` carries its raw text. Providers see an
   * ordinary function; OpenAI Chat clients that declared it expect its calls as `type: "custom"`.
   */
  custom?: boolean;
}

export type ToolChoice =
  { type: 'auto' } | { type: 'required' } | { type: 'none' } | { type: 'tool'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema?: Record<string, unknown>;
      strict?: boolean;
      description?: string;
    };

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export interface ReasoningConfig {
  /** false = explicitly disabled. */
  enabled: boolean;
  effort?: ReasoningEffort;
  /** Anthropic / Gemini thinking budget in tokens. */
  budgetTokens?: number;
  /** Anthropic `thinking.type: "adaptive"`. */
  adaptive?: boolean;
}

export interface ChatRequest {
  /** The model as the upstream must see it (prefix already resolved by the gateway). */
  model: string;
  system: TextPart[];
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  stream: boolean;
  /** The client asked for usage in the stream (OpenAI `stream_options.include_usage`). */
  includeUsage?: boolean;
  responseFormat?: ResponseFormat;
  reasoning?: ReasoningConfig;
  /** End-user id (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /**
   * Fields of the source dialect the model has no place for (e.g. OpenAI `logprobs`, `service_tier`,
   * Anthropic `context_management`), re-emitted only by an encoder of the same dialect.
   */
  passthrough?: { dialect: Dialect; fields: Record<string, unknown> };
}

/**
 * Why generation stopped, in one vocabulary. Encoders map it to each dialect
 * (WIRE-FORMATS.md 5.3).
 */
export type FinishReason =
  | 'stop'
  | 'length'
  | 'tool_calls'
  | 'stop_sequence'
  | 'content_filter'
  | 'refusal'
  | 'pause_turn'
  | 'context_window_exceeded';

/**
 * Token usage, normalized so nothing is counted twice:
 * total prompt = inputTokens + cacheReadTokens + cacheWriteTokens (OpenAI's `prompt_tokens`);
 * outputTokens includes reasoningTokens (as both OpenAI and Anthropic bill them).
 */
export interface Usage {
  /** Prompt tokens that were neither read from nor written to a cache (Anthropic's `input_tokens`). */
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /**
   * Of `cacheWriteTokens`, those written with a 1 hour TTL (Anthropic's
   * `cache_creation.ephemeral_1h_input_tokens`), which cost more than 5 minute writes. Absent when
   * the provider reports no split: every write is a 5 minute one.
   */
  cacheWrite1hTokens?: number;
  outputTokens: number;
  reasoningTokens: number;
}

export interface ChatResponse {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  content: Array<TextPart | ToolCallPart | ReasoningPart | OpaquePart>;
  finishReason: FinishReason;
  /** The stop sequence that matched, when known. */
  stopSequence?: string | null;
  usage: Usage;
  /** A refusal message (OpenAI `message.refusal`). */
  refusal?: string;
}

/**
 * One event of a canonical stream. Decoders turn upstream wire chunks into these; encoders turn them
 * into client wire chunks. Both are incremental state machines: one chunk in, zero or more out.
 *
 * Grammar: `start` first; then any of text / reasoning / tool_call_* / usage; then `finish`; `usage`
 * may also follow `finish` (OpenAI sends it last). `error` may come at any point and ends the stream.
 * Tool calls are numbered by `index` in order of appearance (0, 1, ...); deltas of different calls
 * may interleave (some OpenAI-compatible servers do), so encoders that need sequential blocks buffer.
 */
export type StreamEvent =
  | { type: 'start'; id: string; model: string; created?: number; usage?: Partial<Usage> }
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'reasoning_signature'; signature: string }
  | { type: 'redacted_reasoning'; data: string }
  | {
      type: 'tool_call_start';
      index: number;
      id: string;
      name: string;
      thoughtSignature?: string;
    }
  | { type: 'tool_call_delta'; index: number; arguments: string }
  /** Cumulative usage so far; fields present overwrite earlier values. */
  | { type: 'usage'; usage: Partial<Usage> }
  | { type: 'finish'; reason: FinishReason; stopSequence?: string | null }
  | { type: 'error'; error: StreamError };

export interface StreamError {
  /** The HTTP status this error would have had (e.g. 529 overloaded, 500). */
  status: number;
  message: string;
  /** The dialect-specific type, e.g. `overloaded_error`, `server_error`. */
  type?: string;
}

export const ZERO_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
});

/** Merge a partial (cumulative) usage update into a full usage; present fields overwrite. */
export function mergeUsage(base: Usage, update: Partial<Usage> | undefined): Usage {
  if (!update) return base;
  const merged: Usage = {
    inputTokens: update.inputTokens ?? base.inputTokens,
    cacheReadTokens: update.cacheReadTokens ?? base.cacheReadTokens,
    cacheWriteTokens: update.cacheWriteTokens ?? base.cacheWriteTokens,
    outputTokens: update.outputTokens ?? base.outputTokens,
    reasoningTokens: update.reasoningTokens ?? base.reasoningTokens,
  };
  // Only when known, so that usage without a 1 hour split keeps its old shape.
  const oneHour = update.cacheWrite1hTokens ?? base.cacheWrite1hTokens;
  if (oneHour !== undefined) merged.cacheWrite1hTokens = oneHour;
  return merged;
}

/** Everything a pure translator needs from the outside world, so translations are deterministic in tests. */
export interface TranslateContext {
  /** Unix milliseconds. */
  now(): number;
  /** A fresh id with the given prefix, e.g. `newId("msg_")`. */
  newId(prefix: string): string;
  /** The model name the client asked for (echoed to clients that show it, e.g. Claude Code). */
  clientModel: string;
}

/** Incremental stream decoder: upstream wire events in, canonical events out. */
export interface StreamDecoder<TIn> {
  push(chunk: TIn): StreamEvent[];
  /** The upstream ended (EOF). Returns events to close the stream (e.g. a synthesized finish). */
  end(): StreamEvent[];
}

/** Incremental stream encoder: canonical events in, client wire text out. */
export interface StreamEncoder {
  push(event: StreamEvent): string;
  /** The canonical stream ended. Returns the closing text (e.g. `data: [DONE]`). */
  end(): string;
}
