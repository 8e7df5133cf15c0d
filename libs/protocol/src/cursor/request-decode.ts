/**
 * Cursor's hybrid BYOK body (PRODUCT.md 9.3, WIRE-FORMATS.md 2.4) → canonical request.
 *
 * Cursor posts to `/chat/completions` a body that may be Responses-shaped (`input`, `include`,
 * `reasoning`, `text`, `store`…), Chat-shaped (`messages`, `stream_options`), or both, with tools
 * and tool round-trips in Responses, Chat or Anthropic form. The answer is always Chat
 * Completions; this decoder only normalizes the request.
 *
 * When both arrays are present, `input` is used unless it carries no tool results while
 * `messages` does (Cursor sometimes leaves them out of `input`); then `messages` is used.
 */
import type { ChatRequest, ContentPart, Message, TextPart } from '../canonical/model';
import { ProtocolError } from '../errors';
import type { JsonObject } from '../openai-responses/json';
import {
  at,
  invalidType,
  isObject,
  optBoolean,
  optInteger,
  optNumber,
  optObject,
  optString,
  reqString,
} from '../openai-responses/json';
import { decodeEffort, decodeTextFormat, reasoningFromEffort } from '../openai-responses/tools';
import { TurnBuilder } from '../openai-responses/turns';
import { decodeCursorContent } from './blocks';
import { decodeCursorItem } from './items';
import { decodeChatResponseFormat, decodeStop } from './params';
import { decodeCursorToolChoice, decodeCursorTools } from './tools';

/** Stands in for an empty user turn: Anthropic rejects empty or whitespace-only content (Bifrost does the same). */
export const EMPTY_TURN_PLACEHOLDER = '...';

/**
 * Responses fields kept for an OpenAI Responses upstream. Chat-only fields are not kept: they
 * would be rejected there, and the canonical model already carries the ones that matter.
 */
const RESPONSES_PASSTHROUGH: ReadonlySet<string> = new Set([
  'include',
  'store',
  'previous_response_id',
  'prompt_cache_key',
  'prompt_cache_retention',
  'truncation',
  'metadata',
  'service_tier',
  'background',
  'max_tool_calls',
  'top_logprobs',
]);

export interface CursorDecoded {
  request: ChatRequest;
  /** Tools that were custom (free-form) tools; their calls carry `{"input": text}` arguments. */
  customToolNames: string[];
}

export function decodeCursorRequest(body: unknown): ChatRequest {
  return decodeCursorBody(body).request;
}

export function decodeCursorBody(body: unknown): CursorDecoded {
  if (!isObject(body)) throw new ProtocolError('The request body must be a JSON object.', null);
  const model = reqString(body, 'model');
  const turns = decodeConversation(body);
  const req: ChatRequest = {
    model,
    system: turns.system.filter((p) => p.text.trim() !== ''),
    messages: normalizeTurns(turns.messages),
    stream: optBoolean(body, 'stream') ?? false,
  };
  const passthrough: JsonObject = {};
  for (const key of RESPONSES_PASSTHROUGH) {
    const v = body[key];
    if (v !== undefined && v !== null) passthrough[key] = v;
  }

  const { tools, customToolNames, other } = decodeCursorTools(body.tools);
  if (tools.length > 0) req.tools = tools;
  if (other.length > 0) passthrough.tools = other;
  const toolChoice = decodeCursorToolChoice(body.tool_choice);
  if (toolChoice) req.toolChoice = toolChoice;
  const parallel = optBoolean(body, 'parallel_tool_calls');
  if (parallel !== undefined) req.parallelToolCalls = parallel;

  const streamOptions = optObject(body, 'stream_options');
  const includeUsage = streamOptions
    ? optBoolean(streamOptions, 'include_usage', 'stream_options')
    : undefined;
  if (includeUsage !== undefined) req.includeUsage = includeUsage;

  const maxTokens =
    optInteger(body, 'max_output_tokens') ??
    optInteger(body, 'max_completion_tokens') ??
    optInteger(body, 'max_tokens');
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  copyNumber(body, 'temperature', (v) => (req.temperature = v));
  copyNumber(body, 'top_p', (v) => (req.topP = v));
  copyNumber(body, 'top_k', (v) => (req.topK = v));
  copyNumber(body, 'seed', (v) => (req.seed = v));
  copyNumber(body, 'presence_penalty', (v) => (req.presencePenalty = v));
  copyNumber(body, 'frequency_penalty', (v) => (req.frequencyPenalty = v));
  const stop = decodeStop(body.stop);
  if (stop) req.stop = stop;
  const user = optString(body, 'safety_identifier') ?? optString(body, 'user');
  if (user !== undefined) req.user = user;

  const reasoning = optObject(body, 'reasoning');
  const { effort: rawEffort, ...reasoningRest }: JsonObject = reasoning ?? {};
  const effort = decodeEffort(
    rawEffort ?? body.reasoning_effort,
    reasoning ? 'reasoning.effort' : 'reasoning_effort',
  );
  if (effort !== undefined) req.reasoning = reasoningFromEffort(effort);
  else if (rawEffort !== undefined && rawEffort !== null) reasoningRest.effort = rawEffort;
  if (Object.keys(reasoningRest).length > 0) passthrough.reasoning = reasoningRest;

  const text = optObject(body, 'text');
  const { format, ...textRest } = text ?? {};
  const responseFormat =
    decodeTextFormat(format, 'text.format') ?? decodeChatResponseFormat(body.response_format);
  if (responseFormat) req.responseFormat = responseFormat;
  if (Object.keys(textRest).length > 0) passthrough.text = textRest;

  if (Object.keys(passthrough).length > 0)
    req.passthrough = { dialect: 'openai-responses', fields: passthrough };
  return { request: req, customToolNames };
}

function copyNumber(body: JsonObject, key: string, set: (v: number) => void): void {
  const v = optNumber(body, key);
  if (v !== undefined) set(v);
}

/** System prompt (`instructions`, top-level `system`) plus the turns of `input` or `messages`. */
function decodeConversation(body: JsonObject): TurnBuilder {
  const header: ContentPart[] = [];
  const instructions = optString(body, 'instructions');
  if (instructions !== undefined) header.push({ type: 'text', text: instructions });
  header.push(...decodeCursorContent(body.system, 'system'));

  const input = body.input;
  const messages = body.messages;
  if (messages !== undefined && messages !== null && !Array.isArray(messages)) {
    throw invalidType('messages', 'an array', messages);
  }
  const hasInput = typeof input === 'string' ? input !== '' : Array.isArray(input) && input.length > 0;
  const hasMessages = Array.isArray(messages) && messages.length > 0;
  if (!hasInput && !hasMessages) {
    throw new ProtocolError("Missing required parameter: 'messages'.", 'messages');
  }
  if (hasInput) {
    const fromInput = build(header, input, 'input');
    const useMessages = hasMessages && !hasToolResults(fromInput) && rawHasToolResults(messages as unknown[]);
    if (!useMessages) return fromInput;
  }
  return build(header, messages, 'messages');
}

function build(header: ContentPart[], items: unknown, param: string): TurnBuilder {
  const turns = new TurnBuilder();
  if (header.length > 0) turns.addSystem(header);
  if (typeof items === 'string') {
    turns.addUser([{ type: 'text', text: items }]);
  } else if (Array.isArray(items)) {
    (items as unknown[]).forEach((item, i) => decodeCursorItem(item, at(param, i), turns));
  } else {
    throw invalidType(param, 'a string or an array', items);
  }
  return turns;
}

function hasToolResults(turns: TurnBuilder): boolean {
  return turns.messages.some((m) => m.content.some((p) => p.type === 'tool_result'));
}

/** Tool results in raw `messages`: `role:"tool"`, `function_call_output` items, or `tool_result` blocks. */
function rawHasToolResults(messages: unknown[]): boolean {
  return messages.some((m) => {
    if (!isObject(m)) return false;
    if (m.role === 'tool' || m.type === 'function_call_output' || m.type === 'custom_tool_call_output')
      return true;
    return (
      Array.isArray(m.content) &&
      (m.content as unknown[]).some((b) => isObject(b) && b.type === 'tool_result')
    );
  });
}

function isBlank(p: ContentPart): boolean {
  return p.type === 'text' && p.text.trim() === '';
}

/**
 * Drop empty and whitespace-only text parts; a user turn left with nothing a provider can read
 * gets the placeholder text, and empty assistant or system turns are dropped.
 */
function normalizeTurns(messages: Message[]): Message[] {
  const out: Message[] = [];
  for (const m of messages) {
    const content = m.content.filter((p) => !isBlank(p));
    if (m.role === 'user') {
      const readable = content.some((p) => p.type !== 'opaque' && p.type !== 'reasoning');
      if (!readable) content.push({ type: 'text', text: EMPTY_TURN_PLACEHOLDER } satisfies TextPart);
    } else if (content.length === 0) {
      continue;
    }
    out.push({ ...m, content });
  }
  return out;
}
