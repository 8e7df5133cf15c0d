/** Canonical response → OpenAI Responses `response` object (non-streaming). */
import type { ChatResponse, TranslateContext } from '../canonical/model';
import { isContentOpaque } from './content';
import type { JsonObject } from './json';
import type { ResponsesEcho } from './response-object';
import {
  buildResponseObject,
  functionCallItem,
  messageItem,
  outputTextPart,
  reasoningItem,
  responseId,
  terminalFor,
} from './response-object';

/**
 * Output items in content order: runs of text make one `message` item (one `output_text` part per
 * canonical text part), each reasoning part a `reasoning` item, each call a `function_call` item.
 * An opaque Responses item (e.g. a reasoning item with `encrypted_content`, a hosted tool call)
 * is emitted verbatim, and replaces the reasoning part decoded from the same item just before it.
 */
export function encodeOutputItems(
  res: ChatResponse,
  ctx: TranslateContext,
  messageStatus: string,
): JsonObject[] {
  const items: JsonObject[] = [];
  let message: JsonObject[] | null = null;
  const content = res.content;
  for (let i = 0; i < content.length; i++) {
    const part = content[i];
    if (!part) continue;
    if (part.type === 'text') {
      if (!message) {
        message = [];
        items.push(messageItem(ctx.newId('msg_'), messageStatus, message));
      }
      message.push(outputTextPart(part.text));
      continue;
    }
    message = null;
    switch (part.type) {
      case 'reasoning': {
        const next = content[i + 1];
        const replaced = next?.type === 'opaque' && next.value.type === 'reasoning';
        if (part.text !== '' && !replaced) items.push(reasoningItem(ctx.newId('rs_'), part.text));
        break;
      }
      case 'tool_call':
        items.push(
          functionCallItem(ctx.newId('fc_'), part.id, part.name, part.arguments || '{}', 'completed'),
        );
        break;
      case 'opaque':
        if (part.dialect === 'openai-responses' && !isContentOpaque(part)) items.push(part.value);
        break;
    }
  }
  if (res.refusal !== undefined && res.refusal !== '') {
    const last = items[items.length - 1];
    const refusal = { type: 'refusal', refusal: res.refusal };
    if (last?.type === 'message' && Array.isArray(last.content)) (last.content as unknown[]).push(refusal);
    else items.push(messageItem(ctx.newId('msg_'), messageStatus, [refusal]));
  }
  return items;
}

export function encodeResponsesResponse(
  res: ChatResponse,
  ctx: TranslateContext,
  echo: ResponsesEcho,
): Record<string, unknown> {
  const terminal = terminalFor(res.finishReason);
  return buildResponseObject(
    {
      id: responseId(res.id, ctx),
      createdAt: res.created,
      status: terminal.status,
      output: encodeOutputItems(res, ctx, terminal.status),
      usage: res.usage,
      ...(terminal.incompleteReason ? { incompleteReason: terminal.incompleteReason } : {}),
    },
    ctx,
    echo,
  );
}
