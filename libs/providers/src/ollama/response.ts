import type { ChatResponse, TranslateContext } from '@optscale/protocol';
import { asRecord, asString } from '../json';
import { createdSeconds, readMessage } from './message';
import { ollamaFinishReason, ollamaUsage } from './usage';

/** A non-streaming `/api/chat` answer (`stream: false`) → canonical: reasoning, text, tool calls. */
export function parseChatResponse(body: unknown, ctx: TranslateContext): ChatResponse {
  const root = asRecord(body) ?? {};
  const message = readMessage(root, ctx);
  const content: ChatResponse['content'] = [];
  if (message.thinking.length > 0) content.push({ type: 'reasoning', text: message.thinking });
  if (message.content.length > 0) content.push({ type: 'text', text: message.content });
  for (const call of message.toolCalls) {
    content.push({ type: 'tool_call', id: call.id, name: call.name, arguments: call.arguments });
  }
  return {
    id: ctx.newId('gen_'),
    model: asString(root.model) ?? ctx.clientModel,
    created: createdSeconds(root) ?? Math.floor(ctx.now() / 1000),
    content,
    finishReason: ollamaFinishReason(asString(root.done_reason), message.toolCalls.length > 0),
    usage: ollamaUsage(root),
  };
}
