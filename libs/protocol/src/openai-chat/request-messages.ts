import type { ContentPart, Message, TextPart, ToolCallPart, ToolResultPart } from '../canonical/model';
import { ProtocolError } from '../errors';
import { decodeContent, decodeTextContent } from './content';
import { argumentsText, isObject, str } from './json';
import type { JsonObject } from './json';

export interface DecodedMessages {
  system: TextPart[];
  messages: Message[];
}

/** State while walking `messages`: tool messages fold into one user turn (WIRE-FORMATS 5.2, pitfall 2). */
interface WalkState {
  system: TextPart[];
  messages: Message[];
  /** No non-system message seen yet: system/developer messages still belong to the system prompt. */
  leading: boolean;
  /** The user turn holding the tool results of the preceding assistant turn, while it may still grow. */
  toolTurn: Message | undefined;
  /** Legacy `function_call`s awaiting their `function` message, by function name. */
  legacyCalls: Map<string, string[]>;
}

/**
 * Decode OpenAI `messages`: leading system/developer messages become the system prompt, later ones
 * mid-conversation system turns; `tool` (and legacy `function`) messages become `tool_result` parts of
 * one user turn, and a user message right after them joins that turn after the results.
 */
export function decodeMessages(value: unknown): DecodedMessages {
  if (!Array.isArray(value)) throw new ProtocolError("Invalid 'messages': expected an array.", 'messages');
  if (value.length === 0)
    throw new ProtocolError("'messages' must contain at least one message.", 'messages');
  const state: WalkState = {
    system: [],
    messages: [],
    leading: true,
    toolTurn: undefined,
    legacyCalls: new Map(),
  };
  value.forEach((raw, i) => decodeMessage(raw, `messages[${i}]`, i, state));
  return { system: state.system, messages: state.messages };
}

function decodeMessage(raw: unknown, path: string, i: number, state: WalkState): void {
  if (!isObject(raw)) throw new ProtocolError(`Invalid '${path}': expected an object.`, path);
  const role = raw.role;
  if (typeof role !== 'string') throw new ProtocolError(`Missing '${path}.role'.`, `${path}.role`);
  switch (role) {
    case 'system':
    case 'developer': {
      const parts = decodeTextContent(raw.content, `${path}.content`);
      if (state.leading) state.system.push(...parts);
      else if (parts.length > 0) state.messages.push(withName({ role: 'system', content: parts }, raw));
      state.toolTurn = undefined;
      return;
    }
    case 'user': {
      const parts = decodeContent(raw.content, `${path}.content`, false);
      if (state.toolTurn) state.toolTurn.content.push(...parts);
      else state.messages.push(withName({ role: 'user', content: parts }, raw));
      state.toolTurn = undefined;
      break;
    }
    case 'assistant':
      state.messages.push(
        withName({ role: 'assistant', content: decodeAssistant(raw, path, i, state) }, raw),
      );
      state.toolTurn = undefined;
      break;
    case 'tool': {
      const toolCallId = str(raw, 'tool_call_id');
      if (toolCallId === undefined) {
        throw new ProtocolError(`Missing '${path}.tool_call_id'.`, `${path}.tool_call_id`);
      }
      addToolResult(state, toolResult(toolCallId, raw.content, `${path}.content`));
      break;
    }
    case 'function': {
      const name = str(raw, 'name');
      if (name === undefined) throw new ProtocolError(`Missing '${path}.name'.`, `${path}.name`);
      const id = state.legacyCalls.get(name)?.shift() ?? legacyCallId(i);
      addToolResult(state, { ...toolResult(id, raw.content, `${path}.content`), name });
      break;
    }
    default:
      throw new ProtocolError(`Invalid '${path}.role': unknown role '${role}'.`, `${path}.role`);
  }
  state.leading = false;
}

function withName(message: Message, raw: JsonObject): Message {
  const name = str(raw, 'name');
  if (name !== undefined) message.name = name;
  return message;
}

function legacyCallId(messageIndex: number): string {
  return `call_legacy_${messageIndex}`;
}

function addToolResult(state: WalkState, part: ToolResultPart): void {
  if (state.toolTurn) {
    state.toolTurn.content.push(part);
    return;
  }
  state.toolTurn = { role: 'user', content: [part] };
  state.messages.push(state.toolTurn);
}

function toolResult(toolCallId: string, content: unknown, path: string): ToolResultPart {
  const parts: ToolResultPart['content'] = [];
  for (const part of decodeContent(content, path, true)) {
    if (part.type === 'text') {
      if (part.text.length > 0) parts.push(part);
    } else if (part.type === 'image' || part.type === 'document') {
      parts.push(part);
    }
  }
  return { type: 'tool_result', toolCallId, content: parts };
}

function decodeAssistant(raw: JsonObject, path: string, i: number, state: WalkState): ContentPart[] {
  const content: ContentPart[] = [];
  for (const part of decodeContent(raw.content, `${path}.content`, true)) {
    if (part.type === 'text') {
      if (part.text.length > 0) content.push(part);
    } else if (part.type === 'opaque' && typeof part.value.refusal === 'string') {
      // A `{type:"refusal"}` part: what the model said, kept as text for other dialects.
      if (part.value.refusal.length > 0) content.push({ type: 'text', text: part.value.refusal });
    } else {
      content.push(part);
    }
  }
  const refusal = str(raw, 'refusal');
  if (refusal && !content.some((p) => p.type === 'text')) content.push({ type: 'text', text: refusal });

  const toolCalls = raw.tool_calls;
  if (toolCalls !== undefined && toolCalls !== null) {
    if (!Array.isArray(toolCalls)) {
      throw new ProtocolError(`Invalid '${path}.tool_calls': expected an array.`, `${path}.tool_calls`);
    }
    toolCalls.forEach((call, j) => content.push(decodeToolCall(call, `${path}.tool_calls[${j}]`)));
  }

  const functionCall = raw.function_call;
  if (isObject(functionCall)) {
    const name = str(functionCall, 'name');
    if (name === undefined) {
      throw new ProtocolError(`Missing '${path}.function_call.name'.`, `${path}.function_call.name`);
    }
    const id = legacyCallId(i);
    state.legacyCalls.set(name, [...(state.legacyCalls.get(name) ?? []), id]);
    content.push({ type: 'tool_call', id, name, arguments: argumentsText(functionCall.arguments) });
  }

  if (isObject(raw.audio))
    content.push({ type: 'opaque', dialect: 'openai-chat', value: { audio: raw.audio } });
  return content;
}

/** A function tool call; custom tool calls (free-text input) are kept opaque. */
function decodeToolCall(call: unknown, path: string): ContentPart {
  if (!isObject(call)) throw new ProtocolError(`Invalid '${path}': expected an object.`, path);
  if (call.type === 'custom') return { type: 'opaque', dialect: 'openai-chat', value: { tool_call: call } };
  const id = str(call, 'id');
  if (id === undefined) throw new ProtocolError(`Missing '${path}.id'.`, `${path}.id`);
  const fn = call.function;
  if (!isObject(fn)) throw new ProtocolError(`Missing '${path}.function'.`, `${path}.function`);
  const name = str(fn, 'name');
  if (name === undefined)
    throw new ProtocolError(`Missing '${path}.function.name'.`, `${path}.function.name`);
  const part: ToolCallPart = { type: 'tool_call', id, name, arguments: argumentsText(fn.arguments) };
  return part;
}
