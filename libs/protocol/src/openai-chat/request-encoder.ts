import type {
  ChatRequest,
  ReasoningConfig,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '../canonical/model';
import { isObject } from './json';
import type { JsonObject } from './json';
import { encodeMessages } from './request-encoder-messages';
import { openAIToolName } from './tool-names';

export interface EncodeOpenAIChatRequestOptions {
  /** `max_completion_tokens` for OpenAI (reasoning models reject `max_tokens`); `max_tokens` for legacy servers. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Add `stream_options.include_usage: true` when streaming (only where the upstream supports it). */
  streamUsage: boolean;
}

/** OpenAI accepts at most four stop sequences. */
const MAX_STOP = 4;
/** OpenAI rejects a `user` longer than this; Claude Code's ids are longer, so they are dropped. */
const MAX_USER = 64;

/**
 * Anthropic/Gemini thinking → `reasoning_effort` (WIRE-FORMATS 5.1): an explicit effort as is; a
 * budget by LiteLLM's buckets (≥4096 high, ≥2048 medium, ≥1024 low, else minimal); adaptive or a bare
 * "enabled" → medium; disabled → omitted (unless the client explicitly said `none`).
 */
export function reasoningEffortFor(reasoning: ReasoningConfig | undefined): string | undefined {
  if (!reasoning) return undefined;
  if (!reasoning.enabled) return reasoning.effort === 'none' ? 'none' : undefined;
  if (reasoning.effort !== undefined) return reasoning.effort;
  const budget = reasoning.budgetTokens;
  if (budget === undefined) return 'medium';
  if (budget >= 4096) return 'high';
  if (budget >= 2048) return 'medium';
  if (budget >= 1024) return 'low';
  return 'minimal';
}

function encodeTool(tool: ToolDefinition): JsonObject {
  const fn: JsonObject = { name: openAIToolName(tool.name) };
  if (tool.description !== undefined) fn.description = tool.description;
  fn.parameters = tool.parameters;
  if (tool.strict !== undefined) fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

function encodeToolChoice(choice: ToolChoice): unknown {
  switch (choice.type) {
    case 'auto':
    case 'required':
    case 'none':
      return choice.type;
    case 'tool':
      return { type: 'function', function: { name: openAIToolName(choice.name) } };
  }
}

function encodeResponseFormat(format: ResponseFormat): JsonObject {
  switch (format.type) {
    case 'text':
    case 'json_object':
      return { type: format.type };
    case 'json_schema': {
      const spec: JsonObject = { name: format.name };
      if (format.description !== undefined) spec.description = format.description;
      if (format.schema !== undefined) spec.schema = format.schema;
      if (format.strict !== undefined) spec.strict = format.strict;
      return { type: 'json_schema', json_schema: spec };
    }
  }
}

/**
 * Canonical request → OpenAI Chat Completions body for an OpenAI-family upstream (WIRE-FORMATS 5.1).
 * Fields of the client's own dialect (`passthrough` from an OpenAI client) are re-emitted as they came.
 */
export function encodeOpenAIChatRequest(
  req: ChatRequest,
  opts: EncodeOpenAIChatRequestOptions,
): Record<string, unknown> {
  const body: Record<string, unknown> = { model: req.model, messages: encodeMessages(req) };
  // OpenAI 400s on tool_choice / parallel_tool_calls without tools.
  if (req.tools !== undefined && req.tools.length > 0) {
    body.tools = req.tools.map(encodeTool);
    if (req.toolChoice !== undefined) body.tool_choice = encodeToolChoice(req.toolChoice);
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  }
  if (req.maxTokens !== undefined) body[opts.maxTokensField] = req.maxTokens;
  const effort = reasoningEffortFor(req.reasoning);
  if (effort !== undefined) body.reasoning_effort = effort;
  if (req.stop !== undefined && req.stop.length > 0) body.stop = req.stop.slice(0, MAX_STOP);
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.responseFormat !== undefined) body.response_format = encodeResponseFormat(req.responseFormat);
  if (req.user !== undefined && req.user.length > 0 && req.user.length <= MAX_USER) body.user = req.user;
  body.stream = req.stream;

  const own = req.passthrough?.dialect === 'openai-chat' ? req.passthrough.fields : {};
  if (req.stream) {
    const streamOptions: JsonObject = isObject(own.stream_options) ? { ...own.stream_options } : {};
    if (opts.streamUsage) streamOptions.include_usage = true;
    if (Object.keys(streamOptions).length > 0) body.stream_options = streamOptions;
  }
  for (const [key, value] of Object.entries(own)) {
    if (key !== 'stream_options' && !(key in body)) body[key] = value;
  }
  return body;
}
