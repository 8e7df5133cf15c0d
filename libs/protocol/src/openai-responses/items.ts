/**
 * Responses `input` items → canonical turns.
 *
 * Reasoning items: the summary (or raw `reasoning_text` content) becomes a `ReasoningPart`, so
 * other dialects can show or replay the text. `encrypted_content` is OpenAI's opaque reasoning
 * state and only an OpenAI Responses upstream can use it (Codex sends `store:false` and relies on
 * replaying it), so an item that carries it is also kept verbatim as an `OpaquePart`: the
 * Responses encoder re-emits it, every other encoder drops foreign opaque parts. A summary-only
 * item is not kept opaque: its id refers to server-side state a translated request cannot rely on.
 */
import type { ContentPart, ReasoningPart, ToolCallPart, ToolResultPart } from '../canonical/model';
import { decodeResponsesContent, decodeToolOutput, opaque } from './content';
import type { JsonObject } from './json';
import {
  argumentsText,
  at,
  expectObject,
  invalidType,
  invalidValue,
  isObject,
  optString,
  reqString,
  str,
} from './json';
import type { TurnBuilder } from './turns';

export interface InputDecodeOptions {
  /**
   * Decode `custom_tool_call` / `custom_tool_call_output` items as function calls whose arguments
   * are `{"input": <text>}` (the Cursor decoder turns custom tools into such functions). Without
   * it they stay opaque, like the custom tools themselves.
   */
  customToolsAsFunctions?: boolean;
}

export function decodeFunctionCallItem(item: JsonObject, param: string): ToolCallPart {
  const id = optString(item, 'call_id', param) ?? optString(item, 'id', param);
  if (id === undefined) throw invalidValue(at(param, 'call_id'), 'a function_call needs a call_id.');
  const args = item.arguments;
  if (args !== undefined && args !== null && typeof args !== 'string' && !isObject(args)) {
    throw invalidType(at(param, 'arguments'), 'a string', args);
  }
  return { type: 'tool_call', id, name: reqString(item, 'name', param), arguments: argumentsText(args) };
}

export function decodeFunctionCallOutputItem(item: JsonObject, param: string): ToolResultPart {
  return {
    type: 'tool_result',
    toolCallId: reqString(item, 'call_id', param),
    content: decodeToolOutput(item.output, at(param, 'output')),
  };
}

/** A custom (free-form) tool call as a function call with `{"input": <text>}` arguments. */
export function decodeCustomToolCallItem(item: JsonObject, param: string): ToolCallPart {
  const id = optString(item, 'call_id', param) ?? reqString(item, 'id', param);
  const input = optString(item, 'input', param) ?? '';
  return {
    type: 'tool_call',
    id,
    name: reqString(item, 'name', param),
    arguments: JSON.stringify({ input }),
  };
}

export function decodeReasoningItem(item: JsonObject, param: string): ContentPart[] {
  const parts: ContentPart[] = [];
  const text = reasoningText(item, param);
  if (text !== '') parts.push({ type: 'reasoning', text } satisfies ReasoningPart);
  const encrypted = optString(item, 'encrypted_content', param);
  if (encrypted !== undefined && encrypted !== '') parts.push(opaque(item));
  return parts;
}

/** The raw reasoning text (`content[].reasoning_text`) when present, else the joined summary. */
export function reasoningText(item: JsonObject, param: string): string {
  const pick = (key: string, type: string): string[] => {
    const v = item[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw invalidType(at(param, key), 'an array', v);
    const texts: string[] = [];
    for (const entry of v as unknown[]) {
      if (isObject(entry) && (entry.type === undefined || entry.type === type)) {
        const t = str(entry, 'text');
        if (t !== undefined && t !== '') texts.push(t);
      }
    }
    return texts;
  };
  const content = pick('content', 'reasoning_text');
  if (content.length > 0) return content.join('');
  return pick('summary', 'summary_text').join('\n\n');
}

/** Which side of the conversation an item the model does not know belongs to. */
function isClientSideItem(type: string): boolean {
  return type.endsWith('_output') || type.endsWith('_response') || type === 'item_reference';
}

export function decodeInputItem(
  value: unknown,
  param: string,
  turns: TurnBuilder,
  opts: InputDecodeOptions = {},
): void {
  const item = expectObject(value, param);
  const type = optString(item, 'type', param);
  if (type === undefined || type === 'message') {
    decodeMessageItem(item, param, turns);
    return;
  }
  switch (type) {
    case 'function_call':
      turns.addAssistant([decodeFunctionCallItem(item, param)]);
      return;
    case 'function_call_output':
      turns.addToolResults([decodeFunctionCallOutputItem(item, param)]);
      return;
    case 'reasoning':
      turns.addAssistant(decodeReasoningItem(item, param));
      return;
    case 'custom_tool_call':
      if (opts.customToolsAsFunctions) {
        turns.addAssistant([decodeCustomToolCallItem(item, param)]);
        return;
      }
      break;
    case 'custom_tool_call_output':
      if (opts.customToolsAsFunctions) {
        turns.addToolResults([decodeFunctionCallOutputItem(item, param)]);
        return;
      }
      break;
  }
  if (isClientSideItem(type)) turns.addUser([opaque(item)]);
  else turns.addAssistant([opaque(item)]);
}

function decodeMessageItem(item: JsonObject, param: string, turns: TurnBuilder): void {
  const role = optString(item, 'role', param);
  if (role === undefined) throw invalidValue(at(param, 'role'), "an input item needs a 'type' or a 'role'.");
  const content = decodeResponsesContent(item.content, at(param, 'content'));
  switch (role) {
    case 'user':
      turns.addUser(content);
      return;
    case 'assistant':
      turns.addAssistant(content);
      return;
    case 'system':
    case 'developer':
      turns.addSystem(content);
      return;
    default:
      throw invalidValue(at(param, 'role'), `unknown role '${role}'.`);
  }
}

/** `input`: a string (one user turn) or an array of items. */
export function decodeResponsesInput(
  input: unknown,
  turns: TurnBuilder,
  opts: InputDecodeOptions = {},
): void {
  if (input === undefined || input === null) return;
  if (typeof input === 'string') {
    turns.addUser([{ type: 'text', text: input }]);
    return;
  }
  if (!Array.isArray(input)) throw invalidType('input', 'a string or an array', input);
  (input as unknown[]).forEach((item, i) => decodeInputItem(item, at('input', i), turns, opts));
}
