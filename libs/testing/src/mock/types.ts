/** Public types of the mock provider servers (see `startMockProvider`). */

export type MockKind = 'openai' | 'azure' | 'anthropic' | 'gemini' | 'ollama';

export interface ToolCallScript {
  name: string;
  arguments: Record<string, unknown>;
  /** Tool-call id to use where the dialect has one (Gemini has none); generated when absent. */
  id?: string;
}

/**
 * Token usage in the canonical sense: `input` EXCLUDES cached tokens, `output` INCLUDES reasoning.
 * Each dialect renders its own semantics (e.g. OpenAI `prompt_tokens = input + cacheRead + cacheWrite`).
 */
export interface MockUsage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  /**
   * Of `cacheWrite`, the tokens written with a 1 hour TTL: Anthropic reports the split in
   * `usage.cache_creation` (`ephemeral_1h_input_tokens`, the rest `ephemeral_5m_input_tokens`);
   * other dialects have no such split and report only `cacheWrite`.
   */
  cacheWrite1h?: number;
  reasoning?: number;
}

export interface TextScenario {
  kind: 'text';
  text: string;
  /** Reasoning text, rendered where the dialect exposes it (and the request asked for it). */
  reasoning?: string;
  /** Exact stream split of `text`; default: ~4-character pieces. */
  chunks?: string[];
  /** Delay between streamed content pieces. */
  chunkDelayMs?: number;
  /** Delay before the first content piece (headers and preamble are sent at once). */
  firstChunkDelayMs?: number;
  usage?: MockUsage;
  finish?: 'stop' | 'length';
}

export interface ToolCallsScenario {
  kind: 'tool_calls';
  calls: ToolCallScript[];
  /** Text the model says before calling the tools. */
  text?: string;
  /** Size (in characters) of streamed argument fragments; default 8. */
  argumentChunkSize?: number;
  usage?: MockUsage;
}

export interface ErrorScenario {
  kind: 'error';
  status: number;
  message?: string;
  /** The dialect's error type (OpenAI `type`, Anthropic `error.type`, Gemini `status`). */
  type?: string;
  headers?: Record<string, string>;
  /** Sent verbatim instead of the dialect's envelope. */
  rawBody?: string;
}

export interface DieMidwayScenario {
  kind: 'die_midway';
  text: string;
  /** The socket is destroyed after this many content pieces; no terminator is sent. */
  afterChunks: number;
}

export interface StreamErrorScenario {
  kind: 'stream_error';
  text: string;
  /** After this many content pieces an in-band error event (in the dialect) ends the stream. */
  afterChunks: number;
  status?: number;
  message?: string;
}

export type Scenario =
  TextScenario | ToolCallsScenario | ErrorScenario | DieMidwayScenario | StreamErrorScenario;

export interface ReceivedRequest {
  method: string;
  /** Path including the query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The parsed body when it was JSON. */
  json?: unknown;
}

export interface MockProvider {
  readonly kind: MockKind;
  /**
   * Base URL a client/gateway uses: openai → `http://127.0.0.1:PORT/v1`, anthropic →
   * `http://127.0.0.1:PORT`, gemini → `http://127.0.0.1:PORT/v1beta`, ollama → `http://127.0.0.1:PORT`.
   */
  readonly url: string;
  readonly port: number;
  /** The last 1000 requests (empty when started with `record: false`). */
  readonly received: ReceivedRequest[];
  /** Scenarios consumed FIFO by chat / messages / generate requests. */
  enqueue(...scenarios: Scenario[]): void;
  /** The scenario used when the queue is empty (initially text "Hello from the mock."). */
  setDefault(s: Scenario): void;
  /** Served by the list endpoint. */
  models: string[];
  /** Clears the queue and the recorded requests, restores the default scenario and models. */
  reset(): void;
  close(): Promise<void>;
}

export interface MockProviderOptions {
  port?: number;
  host?: string;
  models?: string[];
  /** When set, requests without this key get the dialect's auth error. */
  apiKey?: string;
  /** Record received requests (default true). */
  record?: boolean;
}
