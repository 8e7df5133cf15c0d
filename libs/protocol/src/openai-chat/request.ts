import type { ChatRequest, ReasoningEffort, ResponseFormat } from '../canonical/model';
import { ProtocolError } from '../errors';
import { isObject, str } from './json';
import type { JsonObject } from './json';
import { decodeMessages } from './request-messages';
import { decodeToolChoice, decodeTools } from './request-tools';

/** Request fields the canonical model holds; everything else goes to `passthrough`. */
const MAPPED_FIELDS = new Set([
  'model',
  'messages',
  'tools',
  'functions',
  'tool_choice',
  'function_call',
  'parallel_tool_calls',
  'max_completion_tokens',
  'max_tokens',
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'stop',
  'stream',
  'stream_options',
  'response_format',
  'reasoning_effort',
  'user',
]);

const REASONING_EFFORTS: ReadonlySet<string> = new Set<ReasoningEffort>([
  'none',
  'minimal',
  'low',
  'medium',
  'high',
  'xhigh',
  'max',
]);

function isReasoningEffort(value: string): value is ReasoningEffort {
  return REASONING_EFFORTS.has(value);
}

/** Optional scalar fields: absent and `null` mean "not set" (Python clients send explicit nulls). */
function optNumber(body: JsonObject, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ProtocolError(`Invalid type for '${key}': expected a number.`, key);
  }
  return v;
}

function optBoolean(body: JsonObject, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ProtocolError(`Invalid type for '${key}': expected a boolean.`, key);
  return v;
}

function optString(body: JsonObject, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ProtocolError(`Invalid type for '${key}': expected a string.`, key);
  return v;
}

function decodeStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value))
    throw new ProtocolError("Invalid 'stop': expected a string or an array of strings.", 'stop');
  const stop = value.map((s, i) => {
    if (typeof s !== 'string')
      throw new ProtocolError(`Invalid 'stop[${i}]': expected a string.`, `stop[${i}]`);
    return s;
  });
  return stop.length > 0 ? stop : undefined;
}

function decodeResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value))
    throw new ProtocolError("Invalid 'response_format': expected an object.", 'response_format');
  switch (value.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const spec = value.json_schema;
      if (!isObject(spec)) {
        throw new ProtocolError("Missing 'response_format.json_schema'.", 'response_format.json_schema');
      }
      const format: ResponseFormat = { type: 'json_schema', name: str(spec, 'name') ?? 'response' };
      if (isObject(spec.schema)) format.schema = spec.schema;
      if (typeof spec.strict === 'boolean') format.strict = spec.strict;
      const description = str(spec, 'description');
      if (description !== undefined) format.description = description;
      return format;
    }
    default:
      throw new ProtocolError(
        "Invalid 'response_format.type': expected 'text', 'json_object' or 'json_schema'.",
        'response_format.type',
      );
  }
}

/**
 * Validate an OpenAI Chat Completions request body and convert it to the canonical request.
 * Throws `ProtocolError` (with the offending field path as `param`) for malformed input; fields the
 * model has no place for are kept in `passthrough` for an OpenAI encoder to re-emit.
 */
export function decodeOpenAIChatRequest(body: unknown): ChatRequest {
  if (!isObject(body)) throw new ProtocolError('The request body must be a JSON object.', null);
  const model = body.model;
  if (typeof model !== 'string' || model.length === 0) {
    throw new ProtocolError("Missing required parameter: 'model'.", 'model');
  }
  const { system, messages } = decodeMessages(body.messages);
  const req: ChatRequest = { model, system, messages, stream: optBoolean(body, 'stream') ?? false };

  const tools = decodeTools(body.tools, body.functions);
  if (tools !== undefined) req.tools = tools;
  const toolChoice = decodeToolChoice(body.tool_choice, body.function_call);
  if (toolChoice !== undefined) req.toolChoice = toolChoice;
  const parallel = optBoolean(body, 'parallel_tool_calls');
  if (parallel !== undefined) req.parallelToolCalls = parallel;

  const maxTokens = optNumber(body, 'max_completion_tokens') ?? optNumber(body, 'max_tokens');
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const temperature = optNumber(body, 'temperature');
  if (temperature !== undefined) req.temperature = temperature;
  const topP = optNumber(body, 'top_p');
  if (topP !== undefined) req.topP = topP;
  const presence = optNumber(body, 'presence_penalty');
  if (presence !== undefined) req.presencePenalty = presence;
  const frequency = optNumber(body, 'frequency_penalty');
  if (frequency !== undefined) req.frequencyPenalty = frequency;
  const seed = optNumber(body, 'seed');
  if (seed !== undefined) req.seed = seed;
  const stop = decodeStop(body.stop);
  if (stop !== undefined) req.stop = stop;
  const responseFormat = decodeResponseFormat(body.response_format);
  if (responseFormat !== undefined) req.responseFormat = responseFormat;
  const user = optString(body, 'user');
  if (user !== undefined) req.user = user;

  const effort = optString(body, 'reasoning_effort');
  if (effort !== undefined) {
    if (!isReasoningEffort(effort)) {
      throw new ProtocolError(`Invalid value for 'reasoning_effort': '${effort}'.`, 'reasoning_effort');
    }
    req.reasoning = { enabled: effort !== 'none', effort };
  }

  const passthrough: Record<string, unknown> = {};
  const streamOptions = body.stream_options;
  if (streamOptions !== undefined && streamOptions !== null) {
    if (!isObject(streamOptions)) {
      throw new ProtocolError("Invalid 'stream_options': expected an object.", 'stream_options');
    }
    const { include_usage: includeUsage, ...rest } = streamOptions;
    if (typeof includeUsage === 'boolean') req.includeUsage = includeUsage;
    if (Object.keys(rest).length > 0) passthrough.stream_options = rest;
  }
  for (const [key, value] of Object.entries(body)) {
    if (!MAPPED_FIELDS.has(key) && value !== undefined) passthrough[key] = value;
  }
  if (Object.keys(passthrough).length > 0) req.passthrough = { dialect: 'openai-chat', fields: passthrough };
  return req;
}
