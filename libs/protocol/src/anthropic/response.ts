import { mergeUsage, ZERO_USAGE, type ChatResponse, type TranslateContext } from '../canonical/model';
import { toolInput } from './content-encode';
import { isObject, text, type JsonObject } from './json';
import { sanitizeToolId } from './tool-ids';
import { decodeAnthropicUsage, decodeStopReason, encodeAnthropicUsage, encodeStopReason } from './usage';

/** Prefix an id with `msg_` unless it has it; an empty id gets a fresh one. */
export function anthropicMessageId(id: string, ctx: TranslateContext): string {
  if (id === '') return ctx.newId('msg_');
  return id.startsWith('msg_') ? id : `msg_${id}`;
}

/**
 * An upstream (Anthropic) non-streaming Messages body → canonical response. Lenient: an upstream
 * body is not the client's fault, so missing fields get defaults; only a non-object body throws.
 */
export function decodeAnthropicResponse(body: unknown, ctx: TranslateContext): ChatResponse {
  if (!isObject(body)) throw new Error('Anthropic response body is not a JSON object');
  const content: ChatResponse['content'] = [];
  for (const block of Array.isArray(body.content) ? body.content : []) {
    if (!isObject(block)) continue;
    switch (block.type) {
      case 'text':
        content.push({ type: 'text', text: text(block.text) ?? '' });
        break;
      case 'thinking': {
        const signature = text(block.signature);
        content.push({
          type: 'reasoning',
          text: text(block.thinking) ?? '',
          ...(signature !== undefined ? { signature } : {}),
        });
        break;
      }
      case 'redacted_thinking':
        content.push({ type: 'reasoning', text: '', redacted: text(block.data) ?? '' });
        break;
      case 'tool_use':
        content.push({
          type: 'tool_call',
          id: text(block.id) ?? '',
          name: text(block.name) ?? '',
          arguments: JSON.stringify(isObject(block.input) ? block.input : {}),
        });
        break;
      default:
        // Server-tool blocks (server_tool_use, web_search_tool_result, ...) are not client tool calls.
        content.push({ type: 'opaque', dialect: 'anthropic', value: block });
    }
  }
  const stopSequence = text(body.stop_sequence);
  return {
    id: text(body.id) ?? ctx.newId('msg_'),
    model: text(body.model) ?? ctx.clientModel,
    created: Math.floor(ctx.now() / 1000),
    content,
    finishReason: decodeStopReason(body.stop_reason),
    stopSequence: stopSequence ?? null,
    usage: mergeUsage({ ...ZERO_USAGE }, decodeAnthropicUsage(body.usage)),
  };
}

/**
 * Canonical response → the Messages body an Anthropic client expects (WIRE-FORMATS 3.3, 5.3):
 * `msg_` id, the client's model name, reasoning as thinking (signature `""` when unknown), text only
 * when non-empty, tool calls as tool_use with parsed input, all four usage fields.
 */
export function encodeAnthropicResponse(res: ChatResponse, ctx: TranslateContext): Record<string, unknown> {
  const content: JsonObject[] = [];
  let hadToolCalls = false;
  let hadText = false;
  for (const part of res.content) {
    switch (part.type) {
      case 'reasoning':
        if (part.redacted !== undefined) content.push({ type: 'redacted_thinking', data: part.redacted });
        else content.push({ type: 'thinking', thinking: part.text, signature: part.signature ?? '' });
        break;
      case 'text':
        if (part.text === '') break;
        hadText = true;
        content.push({ type: 'text', text: part.text });
        break;
      case 'tool_call':
        hadToolCalls = true;
        content.push({
          type: 'tool_use',
          id: sanitizeToolId(part.id),
          name: part.name,
          input: toolInput(part.arguments),
        });
        break;
      case 'opaque':
        if (part.dialect === 'anthropic') content.push(part.value);
        break;
    }
  }
  // OpenAI's `message.refusal` has no Anthropic field: it becomes the text of the answer.
  if (res.refusal && !hadText) content.push({ type: 'text', text: res.refusal });
  const finish = res.refusal && res.finishReason === 'stop' ? 'refusal' : res.finishReason;
  const stopReason = encodeStopReason(finish, hadToolCalls, res.stopSequence);
  return {
    id: anthropicMessageId(res.id, ctx),
    type: 'message',
    role: 'assistant',
    model: ctx.clientModel,
    content,
    stop_reason: stopReason,
    stop_sequence: stopReason === 'stop_sequence' ? (res.stopSequence ?? null) : null,
    usage: encodeAnthropicUsage(res.usage),
  };
}
