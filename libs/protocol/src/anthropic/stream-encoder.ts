import {
  mergeUsage,
  ZERO_USAGE,
  type FinishReason,
  type StreamEncoder,
  type StreamError,
  type StreamEvent,
  type TranslateContext,
  type Usage,
} from '../canonical/model';
import { sse } from '../sse/sse-parser';
import { anthropicErrorType, isAnthropicErrorType } from './errors';
import { isObject, tryParseJson, type JsonObject } from './json';
import { anthropicMessageId } from './response';
import { sanitizeToolId } from './tool-ids';
import { encodeAnthropicUsage, encodeStopReason } from './usage';

export interface AnthropicStreamEncoderOptions {
  /** Input tokens to show in `message_start` (and `message_delta`) when the upstream reports none. */
  inputTokensEstimate?: number;
}

interface ToolState {
  index: number;
  id: string;
  name: string;
  /** Arguments not yet sent (the tool's block is not open yet). */
  pending: string;
  /** All arguments sent so far (to tell when a call's JSON is complete). */
  sent: string;
  phase: 'waiting' | 'open' | 'closed';
}

type OpenBlock =
  | { kind: 'text'; index: number }
  | { kind: 'thinking'; index: number }
  | { kind: 'tool'; index: number; tool: ToolState };

/** Content events held while a tool block with incomplete arguments is open. */
type Queued =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'reasoning_signature'; signature: string }
  | { type: 'redacted_reasoning'; data: string }
  | { type: 'tool'; tool: ToolState };

/** A tool call's arguments are a finished JSON object (checked only when something waits on it). */
function complete(args: string): boolean {
  for (let i = args.length - 1; i >= 0; i--) {
    const c = args.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    // Cheap test first: only text ending in `}` can be a whole object.
    return c === 0x7d && isObject(tryParseJson(args));
  }
  return false;
}

/**
 * Canonical events → Anthropic SSE (WIRE-FORMATS 3.4, 5.4): `event:` lines, one `message_start`,
 * strictly sequential blocks, held `message_delta` (emitted at `end()` with the final usage), then
 * `message_stop`. Anthropic blocks cannot interleave, so while a tool call's arguments are
 * incomplete, everything else (other calls' starts and arguments, text, reasoning) is held and
 * replayed in order once that call's JSON is complete or the stream finishes; nothing is dropped.
 */
export function createAnthropicStreamEncoder(
  ctx: TranslateContext,
  opts: AnthropicStreamEncoderOptions = {},
): StreamEncoder {
  const tools = new Map<number, ToolState>();
  let queue: Queued[] = [];
  let open: OpenBlock | null = null;
  let nextBlock = 0;
  let started = false;
  let pinged = false;
  let finished = false;
  let done = false;
  let hadToolCalls = false;
  let inputKnown = false;
  let usage: Usage = { ...ZERO_USAGE };
  let finishReason: FinishReason = 'stop';
  let stopSequence: string | null | undefined;

  const emit = (name: string, data: JsonObject): string => sse(JSON.stringify({ type: name, ...data }), name);

  function messageStart(id: string, startUsage: Partial<Usage> | undefined): string {
    started = true;
    usage = mergeUsage(usage, startUsage);
    inputKnown = startUsage?.inputTokens !== undefined;
    const shown = inputKnown ? usage : { ...usage, inputTokens: opts.inputTokensEstimate ?? 0 };
    return emit('message_start', {
      message: {
        id: anthropicMessageId(id, ctx),
        type: 'message',
        role: 'assistant',
        model: ctx.clientModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: encodeAnthropicUsage(shown),
      },
    });
  }

  function ensureStarted(): string {
    return started ? '' : messageStart('', undefined);
  }

  function startBlock(contentBlock: JsonObject): string {
    const index = nextBlock++;
    let out = emit('content_block_start', { index, content_block: contentBlock });
    if (!pinged) {
      pinged = true;
      out += emit('ping', {});
    }
    return out;
  }

  function closeOpen(): string {
    if (!open) return '';
    const index = open.index;
    if (open.kind === 'tool') open.tool.phase = 'closed';
    open = null;
    return emit('content_block_stop', { index });
  }

  function ensureBlock(kind: 'text' | 'thinking'): string {
    if (open?.kind === kind) return '';
    let out = closeOpen();
    const index = nextBlock;
    out += startBlock(
      kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' },
    );
    open = { kind, index };
    return out;
  }

  function argsDelta(tool: ToolState, fragment: string, index: number): string {
    tool.sent += fragment;
    return emit('content_block_delta', {
      index,
      delta: { type: 'input_json_delta', partial_json: fragment },
    });
  }

  function openTool(tool: ToolState): string {
    let out = closeOpen();
    const index = nextBlock;
    out += startBlock({ type: 'tool_use', id: tool.id, name: tool.name, input: {} });
    tool.phase = 'open';
    open = { kind: 'tool', index, tool };
    if (tool.pending !== '') {
      out += argsDelta(tool, tool.pending, index);
      tool.pending = '';
    }
    return out;
  }

  /** A tool block whose arguments are still incomplete must stay open. */
  function locked(): boolean {
    return open?.kind === 'tool' && !complete(open.tool.sent);
  }

  /** A delta on the block just opened (blocks are sequential: it is always the last one). */
  function delta(body: JsonObject): string {
    return emit('content_block_delta', { index: nextBlock - 1, delta: body });
  }

  /** Emit one held or fresh content event; the caller made sure nothing blocks it. */
  function write(item: Queued): string {
    switch (item.type) {
      case 'text': {
        const out = ensureBlock('text');
        return out + delta({ type: 'text_delta', text: item.text });
      }
      case 'reasoning': {
        const out = ensureBlock('thinking');
        return out + delta({ type: 'thinking_delta', thinking: item.text });
      }
      case 'reasoning_signature': {
        const out = ensureBlock('thinking');
        return out + delta({ type: 'signature_delta', signature: item.signature });
      }
      case 'redacted_reasoning': {
        const out = closeOpen() + startBlock({ type: 'redacted_thinking', data: item.data });
        return out + emit('content_block_stop', { index: nextBlock - 1 });
      }
      case 'tool':
        return openTool(item.tool);
    }
  }

  /** Write now, or hold behind an open tool block with incomplete arguments (order is kept). */
  function offer(item: Queued): string {
    if (queue.length > 0 || locked()) {
      queue.push(item);
      return '';
    }
    return write(item);
  }

  /** Replay held events; with `force` (finish/end) nothing may stay held. */
  function drain(force: boolean): string {
    let out = '';
    if (force) {
      out += closeOpen();
      const held = queue;
      queue = [];
      for (const item of held) out += write(item);
      return out + closeOpen();
    }
    while (queue.length > 0 && !locked()) {
      const item = queue.shift();
      if (item) out += write(item);
    }
    return out;
  }

  function toolStart(index: number, id: string, name: string): string {
    if (tools.has(index)) return '';
    hadToolCalls = true;
    const tool: ToolState = {
      index,
      id: sanitizeToolId(id !== '' ? id : ctx.newId('toolu_')),
      name,
      pending: '',
      sent: '',
      phase: 'waiting',
    };
    tools.set(index, tool);
    return offer({ type: 'tool', tool });
  }

  function toolDelta(index: number, fragment: string): string {
    let out = '';
    if (!tools.has(index)) out += toolStart(index, '', '');
    const tool = tools.get(index);
    if (!tool || fragment === '') return out;
    switch (tool.phase) {
      case 'waiting':
        tool.pending += fragment;
        return out;
      case 'open': {
        if (open?.kind !== 'tool' || open.tool !== tool) return out;
        out += argsDelta(tool, fragment, open.index);
        // The call may now be complete: let the held events through.
        if (queue.length > 0 && complete(tool.sent)) out += closeOpen() + drain(false);
        return out;
      }
      case 'closed':
        // Only reachable after the call's JSON was already complete: nothing meaningful can follow.
        return out;
    }
  }

  function errorEvent(error: StreamError): string {
    done = true;
    const type =
      error.type !== undefined && isAnthropicErrorType(error.type)
        ? error.type
        : error.status === 503
          ? 'overloaded_error'
          : anthropicErrorType(error.status);
    return emit('error', { error: { type, message: error.message } });
  }

  type ContentEvent = Exclude<StreamEvent, { type: 'start' | 'usage' | 'finish' | 'error' }>;

  function content(event: ContentEvent): string {
    switch (event.type) {
      case 'text':
        return event.text === '' ? '' : offer({ type: 'text', text: event.text });
      case 'reasoning':
        return event.text === '' ? '' : offer({ type: 'reasoning', text: event.text });
      case 'reasoning_signature':
        return event.signature === ''
          ? ''
          : offer({ type: 'reasoning_signature', signature: event.signature });
      case 'redacted_reasoning':
        return offer({ type: 'redacted_reasoning', data: event.data });
      case 'tool_call_start':
        return toolStart(event.index, event.id, event.name);
      case 'tool_call_delta':
        return toolDelta(event.index, event.arguments);
    }
  }

  return {
    push(event: StreamEvent): string {
      if (done) return '';
      switch (event.type) {
        case 'start':
          return started ? '' : messageStart(event.id, event.usage);
        case 'usage':
          usage = mergeUsage(usage, event.usage);
          if (event.usage.inputTokens !== undefined) inputKnown = true;
          return '';
        case 'finish': {
          if (finished) return '';
          const out = ensureStarted() + drain(true);
          finished = true;
          finishReason = event.reason;
          stopSequence = event.stopSequence;
          return out;
        }
        case 'error':
          return errorEvent(event.error);
        case 'text':
        case 'reasoning':
        case 'reasoning_signature':
        case 'redacted_reasoning':
        case 'tool_call_start':
        case 'tool_call_delta':
          // Content after the finish is dropped (WIRE-FORMATS 5.4 step 6).
          return finished ? '' : ensureStarted() + content(event);
      }
    },
    end(): string {
      if (done) return '';
      done = true;
      let out = ensureStarted() + drain(true);
      const final = inputKnown ? usage : { ...usage, inputTokens: opts.inputTokensEstimate ?? 0 };
      const stopReason = encodeStopReason(finishReason, hadToolCalls, stopSequence);
      out += emit('message_delta', {
        delta: {
          stop_reason: stopReason,
          stop_sequence: stopReason === 'stop_sequence' ? (stopSequence ?? null) : null,
        },
        usage: encodeAnthropicUsage(final),
      });
      return out + emit('message_stop', {});
    },
  };
}
