import { ids, randomChars } from '../ids';
import type { Script } from '../scenario';
import { content, struct, tail } from '../stream';
import type { Frame } from '../stream';
import { chatUsage } from './common';

export interface ChatMeta {
  id: string;
  created: number;
  model: string;
  fingerprint: string;
}

export interface ChatStreamOptions {
  includeUsage: boolean;
  obfuscation: boolean;
}

/** Tool-call ids of a script (scripted or generated), fixed once per response. */
export function chatToolCallIds(script: Script): string[] {
  return script.toolCalls.map((call) => call.id ?? ids.openaiToolCall());
}

/** The non-streamed `chat.completion` body (WIRE-FORMATS 1.4). */
export function chatCompletion(script: Script, meta: ChatMeta): Record<string, unknown> {
  const callIds = chatToolCallIds(script);
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: script.text.length > 0 || script.toolCalls.length === 0 ? script.text : null,
    refusal: null,
    annotations: [],
  };
  if (script.toolCalls.length > 0) {
    message.tool_calls = script.toolCalls.map((call, i) => ({
      id: callIds[i],
      type: 'function',
      function: { name: call.name, arguments: call.json },
    }));
  }
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: script.finish }],
    usage: chatUsage(script.usage),
    service_tier: 'default',
    system_fingerprint: meta.fingerprint,
  };
}

/**
 * The `chat.completion.chunk` stream (WIRE-FORMATS 1.5): role chunk, content deltas, tool-call
 * fragments (id/type/name first, then arguments only) at increasing index, finish chunk, optional
 * `choices:[]` usage chunk, `[DONE]`.
 */
export function chatStreamFrames(script: Script, meta: ChatMeta, options: ChatStreamOptions): Frame[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null): string => {
    const body: Record<string, unknown> = {
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      service_tier: 'default',
      system_fingerprint: meta.fingerprint,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
    if (options.includeUsage) body.usage = null;
    if (options.obfuscation) body.obfuscation = obfuscation();
    return `data: ${JSON.stringify(body)}\n\n`;
  };

  const frames: Frame[] = [];
  const callIds = chatToolCallIds(script);
  const toolsOnly = script.text.length === 0 && script.toolCalls.length > 0;
  if (!toolsOnly) frames.push(struct(chunk({ role: 'assistant', content: '', refusal: null }, null)));
  for (const piece of script.textPieces) frames.push(content(chunk({ content: piece }, null)));

  script.toolCalls.forEach((call, index) => {
    const first = {
      index,
      id: callIds[index],
      type: 'function',
      function: { name: call.name, arguments: '' },
    };
    const delta =
      toolsOnly && index === 0
        ? { role: 'assistant', content: null, tool_calls: [first], refusal: null }
        : { tool_calls: [first] };
    frames.push(struct(chunk(delta, null)));
    for (const piece of call.pieces) {
      frames.push(content(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null)));
    }
  });

  frames.push(tail(chunk({}, script.finish)));
  if (options.includeUsage) {
    const usageChunk: Record<string, unknown> = {
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      service_tier: 'default',
      system_fingerprint: meta.fingerprint,
      choices: [],
      usage: chatUsage(script.usage),
    };
    if (options.obfuscation) usageChunk.obfuscation = obfuscation();
    frames.push(tail(`data: ${JSON.stringify(usageChunk)}\n\n`));
  }
  frames.push(tail('data: [DONE]\n\n'));
  return frames;
}

/** Random padding like OpenAI's `obfuscation` field (clients ignore it). */
function obfuscation(): string {
  return randomChars(1 + (randomChars(1).charCodeAt(0) % 12));
}
