import type { StreamDecoder, StreamEvent, TranslateContext } from '../canonical/model';
import type { SseEvent } from '../sse/sse-parser';
import { anthropicErrorStatus } from './errors';
import { isObject, text, tryParseJson, type JsonObject } from './json';
import { decodeAnthropicUsage, decodeStopReason } from './usage';

/** What an open upstream block is, by its Anthropic index. */
type BlockKind =
  { kind: 'text' } | { kind: 'thinking' } | { kind: 'tool'; toolIndex: number } | { kind: 'other' };

/**
 * Anthropic Messages SSE → canonical events. Tool-use blocks are numbered 0, 1, … in order of
 * appearance; server-tool blocks (`server_tool_use`, `*_tool_result`) are not client tool calls and
 * are skipped; `ping` and unknown events are ignored (WIRE-FORMATS 3.4, 5.5).
 */
export function createAnthropicStreamDecoder(ctx: TranslateContext): StreamDecoder<SseEvent> {
  const blocks = new Map<number, BlockKind>();
  let toolIndex = -1;
  let started = false;
  let finished = false;
  let done = false;

  function start(message: JsonObject | undefined): StreamEvent[] {
    if (started) return [];
    started = true;
    const usage = decodeAnthropicUsage(message?.usage);
    return [
      {
        type: 'start',
        id: text(message?.id) ?? ctx.newId('msg_'),
        model: text(message?.model) ?? ctx.clientModel,
        created: Math.floor(ctx.now() / 1000),
        ...(Object.keys(usage).length > 0 ? { usage } : {}),
      },
    ];
  }

  function blockStart(index: number, block: JsonObject): StreamEvent[] {
    switch (block.type) {
      case 'text': {
        blocks.set(index, { kind: 'text' });
        const initial = text(block.text) ?? '';
        return initial !== '' ? [{ type: 'text', text: initial }] : [];
      }
      case 'thinking': {
        blocks.set(index, { kind: 'thinking' });
        const out: StreamEvent[] = [];
        const initial = text(block.thinking) ?? '';
        if (initial !== '') out.push({ type: 'reasoning', text: initial });
        const signature = text(block.signature) ?? '';
        if (signature !== '') out.push({ type: 'reasoning_signature', signature });
        return out;
      }
      case 'redacted_thinking':
        blocks.set(index, { kind: 'other' });
        return [{ type: 'redacted_reasoning', data: text(block.data) ?? '' }];
      case 'tool_use': {
        toolIndex += 1;
        blocks.set(index, { kind: 'tool', toolIndex });
        const out: StreamEvent[] = [
          {
            type: 'tool_call_start',
            index: toolIndex,
            id: text(block.id) ?? '',
            name: text(block.name) ?? '',
          },
        ];
        // Fake streams may put the whole input on the start block.
        if (isObject(block.input) && Object.keys(block.input).length > 0) {
          out.push({ type: 'tool_call_delta', index: toolIndex, arguments: JSON.stringify(block.input) });
        }
        return out;
      }
      default:
        blocks.set(index, { kind: 'other' });
        return [];
    }
  }

  function blockDelta(index: number, delta: JsonObject): StreamEvent[] {
    const block = blocks.get(index);
    switch (delta.type) {
      case 'text_delta': {
        const t = text(delta.text) ?? '';
        return t !== '' && block?.kind !== 'other' ? [{ type: 'text', text: t }] : [];
      }
      case 'thinking_delta': {
        const t = text(delta.thinking) ?? '';
        return t !== '' && block?.kind !== 'other' ? [{ type: 'reasoning', text: t }] : [];
      }
      case 'signature_delta': {
        const signature = text(delta.signature) ?? '';
        return signature !== '' && block?.kind !== 'other'
          ? [{ type: 'reasoning_signature', signature }]
          : [];
      }
      case 'input_json_delta': {
        const fragment = text(delta.partial_json) ?? '';
        if (fragment === '' || block?.kind !== 'tool') return [];
        return [{ type: 'tool_call_delta', index: block.toolIndex, arguments: fragment }];
      }
      default:
        return [];
    }
  }

  function messageDelta(data: JsonObject): StreamEvent[] {
    const out: StreamEvent[] = [];
    const usage = decodeAnthropicUsage(data.usage);
    if (Object.keys(usage).length > 0) out.push({ type: 'usage', usage });
    const delta = isObject(data.delta) ? data.delta : {};
    if (delta.stop_reason !== undefined && delta.stop_reason !== null) {
      const stopSequence = text(delta.stop_sequence) ?? null;
      finished = true;
      out.push({ type: 'finish', reason: decodeStopReason(delta.stop_reason), stopSequence });
    }
    return out;
  }

  function errorEvent(data: JsonObject | undefined): StreamEvent[] {
    done = true;
    const error = isObject(data?.error) ? data.error : {};
    const type = text(error.type);
    return [
      {
        type: 'error',
        error: {
          status: anthropicErrorStatus(type),
          message: text(error.message) ?? 'Upstream stream error',
          ...(type !== undefined ? { type } : {}),
        },
      },
    ];
  }

  return {
    push(chunk: SseEvent): StreamEvent[] {
      if (done) return [];
      const parsed = tryParseJson(chunk.data);
      if (!isObject(parsed)) {
        if (chunk.event === 'ping') return [];
        done = true;
        return [
          {
            type: 'error',
            error: { status: 502, message: 'Malformed upstream stream event', type: 'api_error' },
          },
        ];
      }
      const name = text(parsed.type) ?? chunk.event ?? '';
      const index = typeof parsed.index === 'number' ? parsed.index : -1;
      switch (name) {
        case 'message_start':
          return start(isObject(parsed.message) ? parsed.message : undefined);
        case 'content_block_start':
          return [
            ...start(undefined),
            ...(isObject(parsed.content_block) ? blockStart(index, parsed.content_block) : []),
          ];
        case 'content_block_delta':
          return [...start(undefined), ...(isObject(parsed.delta) ? blockDelta(index, parsed.delta) : [])];
        case 'message_delta':
          return [...start(undefined), ...messageDelta(parsed)];
        case 'message_stop':
          done = true;
          return [];
        case 'error':
          return errorEvent(parsed);
        default:
          // ping, content_block_stop and event types added later.
          return [];
      }
    },
    end(): StreamEvent[] {
      if (done || finished) return [];
      done = true;
      return [
        {
          type: 'error',
          error: { status: 502, message: 'Upstream stream ended before message_stop', type: 'api_error' },
        },
      ];
    },
  };
}
