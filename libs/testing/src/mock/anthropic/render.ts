import { ids } from '../ids';
import type { Script } from '../scenario';
import { content, struct, tail } from '../stream';
import type { Frame } from '../stream';
import { deltaUsage, messageUsage, stopReason } from './common';

export interface MessageMeta {
  id: string;
  model: string;
}

type Block =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; pieces: string[] };

/** Content blocks of a script, in API order: thinking, text, tool_use… */
function planBlocks(script: Script): Block[] {
  const blocks: Block[] = [];
  if (script.reasoning.length > 0)
    blocks.push({ type: 'thinking', thinking: script.reasoning, signature: ids.signature() });
  if (script.text.length > 0) blocks.push({ type: 'text', text: script.text });
  for (const call of script.toolCalls) {
    blocks.push({
      type: 'tool_use',
      id: call.id ?? ids.anthropicToolUse(),
      name: call.name,
      input: call.input,
      pieces: call.pieces,
    });
  }
  return blocks;
}

/** The non-streamed Messages body (WIRE-FORMATS 3.3). */
export function messageBody(script: Script, meta: MessageMeta): Record<string, unknown> {
  return {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: planBlocks(script).map((block) =>
      block.type === 'tool_use'
        ? { type: 'tool_use', id: block.id, name: block.name, input: block.input }
        : block,
    ),
    stop_reason: stopReason(script.finish),
    stop_sequence: null,
    usage: messageUsage(script.usage, script.usage.output),
  };
}

const frame = (type: string, data: Record<string, unknown>): string =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/**
 * The Messages SSE grammar (WIRE-FORMATS 3.4): `message_start` (all four usage fields), blocks
 * strictly in sequence (`ping` after the first block start; thinking → `signature_delta` before its
 * stop; tool_use → `input_json_delta` starting with ""), `message_delta` with cumulative usage,
 * `message_stop`.
 */
export function messageStreamFrames(script: Script, meta: MessageMeta): Frame[] {
  const frames: Frame[] = [
    struct(
      frame('message_start', {
        message: {
          id: meta.id,
          type: 'message',
          role: 'assistant',
          model: meta.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: messageUsage(script.usage, 1),
        },
      }),
    ),
  ];
  const delta = (index: number, d: Record<string, unknown>): string =>
    frame('content_block_delta', { index, delta: d });

  planBlocks(script).forEach((block, index) => {
    switch (block.type) {
      case 'thinking':
        frames.push(
          struct(
            frame('content_block_start', {
              index,
              content_block: { type: 'thinking', thinking: '', signature: '' },
            }),
          ),
        );
        if (index === 0) frames.push(struct(frame('ping', {})));
        for (const piece of script.reasoningPieces)
          frames.push(content(delta(index, { type: 'thinking_delta', thinking: piece })));
        frames.push(struct(delta(index, { type: 'signature_delta', signature: block.signature })));
        break;
      case 'text':
        frames.push(
          struct(frame('content_block_start', { index, content_block: { type: 'text', text: '' } })),
        );
        if (index === 0) frames.push(struct(frame('ping', {})));
        for (const piece of script.textPieces)
          frames.push(content(delta(index, { type: 'text_delta', text: piece })));
        break;
      case 'tool_use':
        frames.push(
          struct(
            frame('content_block_start', {
              index,
              content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
            }),
          ),
        );
        if (index === 0) frames.push(struct(frame('ping', {})));
        frames.push(struct(delta(index, { type: 'input_json_delta', partial_json: '' })));
        for (const piece of block.pieces)
          frames.push(content(delta(index, { type: 'input_json_delta', partial_json: piece })));
        break;
    }
    frames.push(struct(frame('content_block_stop', { index })));
  });

  frames.push(
    tail(
      frame('message_delta', {
        delta: { stop_reason: stopReason(script.finish), stop_sequence: null },
        usage: deltaUsage(script.usage),
      }),
    ),
  );
  frames.push(tail(frame('message_stop', {})));
  return frames;
}
