/**
 * Canonical request → OpenAI Responses body, for an OpenAI upstream's `/responses`.
 *
 * - The system prompt becomes `instructions`; mid-conversation system turns stay `system` items.
 * - Tool results become `function_call_output` items placed before the rest of their user turn.
 * - Reasoning parts are dropped: OpenAI accepts reasoning only as its own items (ids and
 *   `encrypted_content` it issued), which arrive here as opaque parts and are re-emitted verbatim.
 * - No Responses field exists for `stop`, `top_k`, `seed`, penalties or `stream_options` (usage is
 *   always reported), so those are dropped.
 * - `store` defaults to false: Chat Completions and Anthropic do not keep conversations, and the
 *   Responses default (true) would silently start storing them.
 * - Passthrough fields are re-emitted only when they came from a Responses body; `tools`,
 *   `tool_choice`, `reasoning` and `text` there hold the parts the canonical model has no place for
 *   (hosted tools, `reasoning.summary`, `text.verbosity`…) and are merged, canonical values winning.
 */
import type { ChatRequest, ContentPart, Message } from '../canonical/model';
import { encodeInputBlock, encodeToolOutput, isContentOpaque } from './content';
import type { JsonObject } from './json';
import { isObject } from './json';
import { encodeFunctionTool, encodeTextFormat, encodeToolChoice, openAiEffort } from './tools';

/** OpenAI rejects `safety_identifier` / `user` longer than this. */
const MAX_USER_LENGTH = 64;

export function encodeResponsesRequest(req: ChatRequest): Record<string, unknown> {
  const pt: JsonObject = req.passthrough?.dialect === 'openai-responses' ? req.passthrough.fields : {};
  const { tools: ptTools, tool_choice: ptChoice, reasoning: ptReasoning, text: ptText, ...rest } = pt;
  const body: JsonObject = { store: false, ...rest, model: req.model };

  const instructions = req.system.map((p) => p.text).join('\n\n');
  if (instructions !== '') body.instructions = instructions;
  body.input = req.messages.flatMap(encodeMessage);

  const tools: unknown[] = [
    ...(req.tools ?? []).map(encodeFunctionTool),
    ...(Array.isArray(ptTools) ? (ptTools as unknown[]) : []),
  ];
  if (tools.length > 0) body.tools = tools;
  if (req.toolChoice) body.tool_choice = encodeToolChoice(req.toolChoice);
  else if (ptChoice !== undefined) body.tool_choice = ptChoice;
  if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  if (req.maxTokens !== undefined) body.max_output_tokens = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;

  const reasoning: JsonObject = isObject(ptReasoning) ? { ...ptReasoning } : {};
  const effort = openAiEffort(req.reasoning);
  if (effort !== undefined) reasoning.effort = effort;
  if (Object.keys(reasoning).length > 0) body.reasoning = reasoning;

  const text: JsonObject = isObject(ptText) ? { ...ptText } : {};
  if (req.responseFormat) text.format = encodeTextFormat(req.responseFormat);
  if (Object.keys(text).length > 0) body.text = text;

  if (req.user !== undefined && req.user.length <= MAX_USER_LENGTH) body.safety_identifier = req.user;
  body.stream = req.stream;
  return body;
}

function encodeMessage(message: Message): JsonObject[] {
  switch (message.role) {
    case 'system': {
      const content = blocks(message.content);
      return content.length > 0 ? [{ type: 'message', role: 'system', content }] : [];
    }
    case 'user':
      return encodeUser(message.content);
    case 'assistant':
      return encodeAssistant(message.content);
  }
}

function blocks(parts: ContentPart[]): JsonObject[] {
  const out: JsonObject[] = [];
  for (const p of parts) {
    const block = encodeInputBlock(p);
    if (block) out.push(block);
  }
  return out;
}

function encodeUser(parts: ContentPart[]): JsonObject[] {
  const items: JsonObject[] = [];
  for (const p of parts) {
    if (p.type === 'tool_result') {
      items.push({ type: 'function_call_output', call_id: p.toolCallId, output: encodeToolOutput(p) });
    } else if (p.type === 'opaque' && p.dialect === 'openai-responses' && !isContentOpaque(p)) {
      items.push(p.value);
    }
  }
  const content = blocks(parts);
  if (content.length > 0) items.push({ type: 'message', role: 'user', content });
  return items;
}

/** Assistant parts in order; consecutive text parts share one message item. */
function encodeAssistant(parts: ContentPart[]): JsonObject[] {
  const items: JsonObject[] = [];
  let text: JsonObject[] | null = null;
  for (const p of parts) {
    if (p.type === 'text') {
      if (p.text === '') continue;
      if (!text) {
        text = [];
        items.push({ type: 'message', role: 'assistant', content: text });
      }
      text.push({ type: 'output_text', text: p.text, annotations: [] });
      continue;
    }
    text = null;
    if (p.type === 'tool_call') {
      items.push({ type: 'function_call', call_id: p.id, name: p.name, arguments: p.arguments || '{}' });
    } else if (p.type === 'opaque' && p.dialect === 'openai-responses' && !isContentOpaque(p)) {
      items.push(p.value);
    }
  }
  return items;
}
