import { ZERO_USAGE } from '../canonical/model';
import type { ChatResponse, TranslateContext } from '../canonical/model';
import { ProtocolError } from '../errors';
import { clientFinishReason, fromOpenAIFinishReason } from './finish-reason';
import { argumentsText, isObject, num, obj, str } from './json';
import type { JsonObject } from './json';
import { encodeCustomToolCall } from './custom-tools';
import { restoreToolName } from './tool-names';
import { decodeOpenAIUsage, encodeOpenAIUsage } from './usage';

export interface DecodeOpenAIChatOptions {
  /** Wire name → original name of tools renamed for OpenAI (see `openAIToolNameMap`). */
  toolNames?: ReadonlyMap<string, string>;
}

/** Message text: a string, or (some compatible servers) an array of text parts. */
function messageText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  return value.map((p) => (isObject(p) && typeof p.text === 'string' ? p.text : '')).join('');
}

/** Non-standard reasoning text: `reasoning_content` (DeepSeek, vLLM, LiteLLM) or `reasoning` (Ollama, OpenRouter). */
export function reasoningText(message: JsonObject): string | undefined {
  return str(message, 'reasoning_content') ?? str(message, 'reasoning') ?? str(message, 'thinking');
}

/** An upstream error object (`{error:{message,…}}` or `{error:"…"}`) → its message. */
export function upstreamErrorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  if (isObject(error)) return str(error, 'message') ?? JSON.stringify(error);
  return 'Upstream error';
}

/**
 * A non-streaming Chat Completions response → canonical. Reasoning comes first, then text, then tool
 * calls; `finish_reason: stop` with tool calls becomes `tool_calls` (Ollama and others say stop).
 */
export function decodeOpenAIChatResponse(
  body: unknown,
  ctx: TranslateContext,
  opts: DecodeOpenAIChatOptions = {},
): ChatResponse {
  if (!isObject(body)) throw new ProtocolError('The upstream response is not a JSON object.', null);
  if (body.error !== undefined && body.error !== null && !Array.isArray(body.choices)) {
    throw new ProtocolError(upstreamErrorMessage(body.error), null);
  }
  const choices = Array.isArray(body.choices) ? body.choices : [];
  const choice: unknown = choices[0];
  const message = isObject(choice) ? (obj(choice, 'message') ?? {}) : {};
  const content: ChatResponse['content'] = [];

  const reasoning = reasoningText(message);
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  const text = messageText(message.content);
  if (text.length > 0) content.push({ type: 'text', text });

  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (const call of calls) {
    if (!isObject(call)) continue;
    const fn = obj(call, 'function') ?? {};
    content.push({
      type: 'tool_call',
      id: str(call, 'id') || ctx.newId('call_'),
      name: restoreToolName(str(fn, 'name') ?? '', opts.toolNames),
      arguments: argumentsText(fn.arguments),
    });
  }
  const legacy = obj(message, 'function_call');
  if (legacy) {
    content.push({
      type: 'tool_call',
      id: ctx.newId('call_'),
      name: restoreToolName(str(legacy, 'name') ?? '', opts.toolNames),
      arguments: argumentsText(legacy.arguments),
    });
  }

  const hadToolCalls = content.some((p) => p.type === 'tool_call');
  const finishRaw = isObject(choice) ? str(choice, 'finish_reason') : undefined;
  const res: ChatResponse = {
    id: str(body, 'id') || ctx.newId('chatcmpl-'),
    model: str(body, 'model') ?? ctx.clientModel,
    created: num(body, 'created') ?? Math.floor(ctx.now() / 1000),
    content,
    finishReason: fromOpenAIFinishReason(finishRaw, hadToolCalls),
    usage: decodeOpenAIUsage(body.usage) ?? { ...ZERO_USAGE },
  };
  // vLLM reports the stop string that matched as `stop_reason`.
  const stopString = isObject(choice) ? str(choice, 'stop_reason') : undefined;
  if (res.finishReason === 'stop' && stopString !== undefined) {
    res.finishReason = 'stop_sequence';
    res.stopSequence = stopString;
  }
  const refusal = str(message, 'refusal');
  if (refusal) res.refusal = refusal;
  return res;
}

/** `chatcmpl-` ids as OpenAI clients expect them; other upstream ids keep their value behind the prefix. */
export function openAICompletionId(id: string, ctx: TranslateContext): string {
  if (id.length === 0) return ctx.newId('chatcmpl-');
  return id.startsWith('chatcmpl-') ? id : `chatcmpl-${id}`;
}

/**
 * Canonical response → a Chat Completions body with every field the spec requires. `model` echoes
 * what the client asked for; reasoning goes to the non-standard `message.reasoning_content`.
 */
export interface OpenAIChatResponseEncoderOptions {
  /** Names of custom (free-form) tools the client declared: their calls are written as `type: "custom"`. */
  customTools?: ReadonlySet<string>;
}

export function encodeOpenAIChatResponse(
  res: ChatResponse,
  ctx: TranslateContext,
  opts: OpenAIChatResponseEncoderOptions = {},
): Record<string, unknown> {
  const texts: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: JsonObject[] = [];
  for (const part of res.content) {
    switch (part.type) {
      case 'text':
        texts.push(part.text);
        break;
      case 'reasoning':
        reasoning.push(part.text);
        break;
      case 'tool_call':
        toolCalls.push(
          opts.customTools?.has(part.name)
            ? encodeCustomToolCall(part.id, part.name, part.arguments)
            : {
                id: part.id,
                type: 'function',
                function: { name: part.name, arguments: part.arguments.length > 0 ? part.arguments : '{}' },
              },
        );
        break;
      case 'opaque':
        break;
    }
  }
  const text = texts.join('');
  const refusal = res.refusal ?? null;
  const message: JsonObject = {
    role: 'assistant',
    content: text.length > 0 || (toolCalls.length === 0 && refusal === null) ? text : null,
    refusal,
  };
  const reasoningJoined = reasoning.join('');
  if (reasoningJoined.length > 0) message.reasoning_content = reasoningJoined;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  message.annotations = [];
  return {
    id: openAICompletionId(res.id, ctx),
    object: 'chat.completion',
    created: res.created,
    model: ctx.clientModel,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: clientFinishReason(res.finishReason, toolCalls.length > 0),
      },
    ],
    usage: encodeOpenAIUsage(res.usage),
  };
}
