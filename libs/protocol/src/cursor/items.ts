/**
 * One entry of Cursor's `input` or `messages`: a Chat message (`role` user/assistant/system/
 * developer/tool, `tool_calls`), a Responses item (`function_call`, `function_call_output`,
 * `reasoning`, `custom_tool_call`…) or a message whose content mixes in Anthropic tool blocks.
 * Both arrays go through the same decoder, so a body may use either or both.
 */
import type { ContentPart, ToolCallPart } from '../canonical/model';
import { decodeInputItem } from '../openai-responses/items';
import type { JsonObject } from '../openai-responses/json';
import {
  argumentsText,
  at,
  expectObject,
  invalidValue,
  optArray,
  optObject,
  optString,
  reqString,
} from '../openai-responses/json';
import type { TurnBuilder } from '../openai-responses/turns';
import { decodeCursorContent, decodeToolResultContent } from './blocks';

export function decodeCursorItem(value: unknown, param: string, turns: TurnBuilder): void {
  const item = expectObject(value, param);
  const type = optString(item, 'type', param);
  const role = optString(item, 'role', param);
  if ((type !== undefined && type !== 'message') || role === undefined) {
    decodeInputItem(item, param, turns, { customToolsAsFunctions: true });
    return;
  }
  const name = optString(item, 'name', param);
  const content = decodeCursorContent(item.content, at(param, 'content'));
  switch (role) {
    case 'system':
    case 'developer':
      turns.addSystem(content);
      return;
    case 'user':
      turns.addUser(content, name);
      return;
    case 'assistant':
      turns.addAssistant(assistantParts(item, param, content), name);
      return;
    case 'tool':
      turns.addToolResults([
        {
          type: 'tool_result',
          toolCallId: reqString(item, 'tool_call_id', param),
          content: decodeToolResultContent(item.content, at(param, 'content')),
        },
      ]);
      return;
    default:
      throw invalidValue(at(param, 'role'), `unknown role '${role}'.`);
  }
}

/** Reasoning (when a client kept it) first, then the content, then Chat `tool_calls`. */
function assistantParts(item: JsonObject, param: string, content: ContentPart[]): ContentPart[] {
  const parts: ContentPart[] = [];
  const reasoning = optString(item, 'reasoning_content', param) ?? optString(item, 'reasoning', param);
  if (reasoning !== undefined && reasoning !== '') parts.push({ type: 'reasoning', text: reasoning });
  parts.push(...content);
  const refusal = optString(item, 'refusal', param);
  if (refusal !== undefined && refusal !== '') parts.push({ type: 'text', text: refusal });
  const calls = optArray(item, 'tool_calls', param) ?? [];
  calls.forEach((call, i) => parts.push(decodeChatToolCall(call, at(at(param, 'tool_calls'), i))));
  return parts;
}

/** Chat `tool_calls[]`: `{id, type:"function", function:{name, arguments}}` or `{id, type:"custom", custom:{name, input}}`. */
function decodeChatToolCall(value: unknown, param: string): ToolCallPart {
  const call = expectObject(value, param);
  const id = reqString(call, 'id', param);
  const custom = optObject(call, 'custom', param);
  if (call.type === 'custom' && custom) {
    const p = at(param, 'custom');
    const input = optString(custom, 'input', p) ?? '';
    return {
      type: 'tool_call',
      id,
      name: reqString(custom, 'name', p),
      arguments: JSON.stringify({ input }),
    };
  }
  const fn = optObject(call, 'function', param);
  if (!fn) throw invalidValue(at(param, 'function'), 'a tool call needs a function.');
  const p = at(param, 'function');
  return { type: 'tool_call', id, name: reqString(fn, 'name', p), arguments: argumentsText(fn.arguments) };
}
