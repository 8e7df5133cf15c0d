/** OpenAI Responses request body (`POST /v1/responses`) → canonical request. */
import type { ChatRequest } from '../canonical/model';
import { ProtocolError } from '../errors';
import { decodeResponsesInput } from './items';
import type { JsonObject } from './json';
import { isObject, optBoolean, optInteger, optNumber, optObject, optString, reqString } from './json';
import { TurnBuilder } from './turns';
import {
  decodeEffort,
  decodeResponsesToolChoice,
  decodeResponsesTools,
  decodeTextFormat,
  reasoningFromEffort,
} from './tools';

/** Fields mapped to the canonical model; every other top-level field is passed through. */
const CANONICAL_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'stream',
  'user',
  'safety_identifier',
  'reasoning',
  'text',
]);

export function decodeResponsesRequest(body: unknown): ChatRequest {
  if (!isObject(body)) throw new ProtocolError('The request body must be a JSON object.', null);
  const turns = new TurnBuilder();
  const instructions = optString(body, 'instructions');
  if (instructions !== undefined && instructions !== '') {
    turns.addSystem([{ type: 'text', text: instructions }]);
  }
  decodeResponsesInput(body.input, turns);

  const req: ChatRequest = {
    model: reqString(body, 'model'),
    system: turns.system,
    messages: turns.messages,
    stream: optBoolean(body, 'stream') ?? false,
  };
  const passthrough: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (!CANONICAL_FIELDS.has(key) && value !== undefined) passthrough[key] = value;
  }

  const { tools, other } = decodeResponsesTools(body.tools);
  if (tools.length > 0) req.tools = tools;
  if (other.length > 0) passthrough.tools = other;
  const { choice, other: otherChoice } = decodeResponsesToolChoice(body.tool_choice);
  if (choice) req.toolChoice = choice;
  if (otherChoice !== undefined) passthrough.tool_choice = otherChoice;

  const parallel = optBoolean(body, 'parallel_tool_calls');
  if (parallel !== undefined) req.parallelToolCalls = parallel;
  const maxTokens = optInteger(body, 'max_output_tokens');
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const temperature = optNumber(body, 'temperature');
  if (temperature !== undefined) req.temperature = temperature;
  const topP = optNumber(body, 'top_p');
  if (topP !== undefined) req.topP = topP;

  const user = optString(body, 'user');
  const safetyId = optString(body, 'safety_identifier');
  if (safetyId !== undefined || user !== undefined) req.user = safetyId ?? user;
  if (safetyId !== undefined && user !== undefined && user !== safetyId) passthrough.user = user;

  const reasoning = optObject(body, 'reasoning');
  if (reasoning) {
    const { effort: rawEffort, ...rest } = reasoning;
    const effort = decodeEffort(rawEffort, 'reasoning.effort');
    if (effort !== undefined) req.reasoning = reasoningFromEffort(effort);
    const kept = effort !== undefined ? rest : reasoning;
    if (Object.keys(kept).length > 0) passthrough.reasoning = kept;
  }
  const text = optObject(body, 'text');
  if (text) {
    const { format, ...rest } = text;
    const responseFormat = decodeTextFormat(format, 'text.format');
    if (responseFormat) req.responseFormat = responseFormat;
    if (Object.keys(rest).length > 0) passthrough.text = rest;
  }

  if (Object.keys(passthrough).length > 0) {
    req.passthrough = { dialect: 'openai-responses', fields: passthrough };
  }
  return req;
}
