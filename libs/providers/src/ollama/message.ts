import type { TranslateContext } from '@optscale/protocol';
import { type JsonObject, asArray, asRecord, asString } from '../json';

export interface OllamaReadToolCall {
  id: string;
  name: string;
  /** JSON text. */
  arguments: string;
}

export interface OllamaReadMessage {
  content: string;
  thinking: string;
  toolCalls: OllamaReadToolCall[];
}

/**
 * The `message` of a response object (whole answer, or one stream line). Tool calls arrive whole
 * with `arguments` as an object; they are stringified, and an id is made when Ollama sent none.
 */
export function readMessage(body: JsonObject, ctx: TranslateContext): OllamaReadMessage {
  const message = asRecord(body.message) ?? {};
  const toolCalls: OllamaReadToolCall[] = [];
  for (const entry of asArray(message.tool_calls)) {
    const call = asRecord(entry);
    const fn = asRecord(call?.function);
    if (!fn) continue;
    const id = asString(call?.id);
    const args = fn.arguments;
    toolCalls.push({
      id: id !== undefined && id.length > 0 ? id : ctx.newId('call_'),
      name: asString(fn.name) ?? '',
      arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
    });
  }
  return {
    content: asString(message.content) ?? '',
    thinking: asString(message.thinking) ?? '',
    toolCalls,
  };
}

/** `created_at` (RFC 3339) → Unix seconds, when readable. */
export function createdSeconds(body: JsonObject): number | undefined {
  const createdAt = asString(body.created_at);
  if (createdAt === undefined) return undefined;
  const ms = Date.parse(createdAt);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
