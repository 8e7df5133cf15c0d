import { asArray, asObject, asString, isObject } from '../json';
import type { JsonObject } from '../json';
import { invalidRequest, missingParameter } from './common';
import type { OpenAIError } from './common';

const MAX_TOOL_CALL_ID = 40;
const MAX_USER = 64;

/** Request checks the real Chat Completions API makes and gateway tests depend on. */
export function validateChatRequest(body: JsonObject): OpenAIError | undefined {
  if (body.model === undefined) {
    return invalidRequest('you must provide a model parameter', null);
  }
  if (body.messages === undefined) return missingParameter('messages');
  const messages = asArray(body.messages);
  if (!messages) {
    return invalidRequest(
      `Invalid type for 'messages': expected an array of objects, but got ${typeName(body.messages)} instead.`,
      'messages',
      'invalid_type',
    );
  }
  if (messages.length === 0) {
    return invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
    return invalidRequest(
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'stream_options',
    );
  }
  const user = asString(body.user);
  if (user !== undefined && user.length > MAX_USER) return tooLong('user', MAX_USER, user.length);
  return validateToolOrdering(messages);
}

/**
 * An assistant message with `tool_calls` must be followed by one `tool` message per call id, and a
 * `tool` message must answer a call of the assistant message before it.
 */
function validateToolOrdering(messages: unknown[]): OpenAIError | undefined {
  let pending: { index: number; ids: Set<string> } | undefined;
  for (let i = 0; i < messages.length; i++) {
    const message = asObject(messages[i]);
    if (!message) {
      return invalidRequest(
        `Invalid type for 'messages[${i}]': expected an object, but got ${typeName(messages[i])} instead.`,
        `messages[${i}]`,
        'invalid_type',
      );
    }
    const role = asString(message.role);
    if (role === undefined) return missingParameter(`messages[${i}].role`);
    if (role === 'tool') {
      if (!pending) {
        return invalidRequest(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${i}].role`,
        );
      }
      const callId = asString(message.tool_call_id);
      if (callId === undefined) return missingParameter(`messages[${i}].tool_call_id`);
      if (!pending.ids.has(callId)) {
        return invalidRequest(
          `Invalid parameter: 'tool_call_id' of '${callId}' not found in 'tool_calls' of previous message.`,
          `messages.[${i}].tool_call_id`,
        );
      }
      pending.ids.delete(callId);
      continue;
    }
    if (pending && pending.ids.size > 0) return unanswered(pending.index, pending.ids);
    pending = undefined;
    if (role === 'assistant') {
      const calls = asArray(message.tool_calls);
      if (calls && calls.length > 0) {
        const idsOfCalls = new Set<string>();
        for (let j = 0; j < calls.length; j++) {
          const id = asString(asObject(calls[j])?.id) ?? '';
          if (id.length > MAX_TOOL_CALL_ID) {
            return tooLong(`messages[${i}].tool_calls[${j}].id`, MAX_TOOL_CALL_ID, id.length);
          }
          idsOfCalls.add(id);
        }
        pending = { index: i, ids: idsOfCalls };
      }
    }
  }
  if (pending && pending.ids.size > 0) return unanswered(pending.index, pending.ids);
  return undefined;
}

function unanswered(index: number, callIds: Set<string>): OpenAIError {
  return invalidRequest(
    `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...callIds].join(', ')}`,
    `messages.[${index}].role`,
  );
}

function tooLong(param: string, max: number, actual: number): OpenAIError {
  return invalidRequest(
    `Invalid '${param}': string too long. Expected a string with maximum length ${max}, but got a string with length ${actual} instead.`,
    param,
    'string_above_max_length',
  );
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isObject(value)) return 'an object';
  return `a ${typeof value}`;
}
