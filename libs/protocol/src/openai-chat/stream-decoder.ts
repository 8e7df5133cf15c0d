import type { StreamDecoder, StreamEvent, TranslateContext } from '../canonical/model';
import type { SseEvent } from '../sse/sse-parser';
import { decodeOpenAIStreamError } from './errors';
import { fromOpenAIFinishReason } from './finish-reason';
import { argumentsText, isObject, num, obj, str } from './json';
import type { JsonObject } from './json';
import type { DecodeOpenAIChatOptions } from './response';
import { reasoningText } from './response';
import { restoreToolName } from './tool-names';
import { decodeOpenAIUsage } from './usage';

/** A tool call being assembled from fragments; `index` is set once its start was emitted. */
interface ToolCallState {
  id?: string;
  name?: string;
  /** Arguments received before the call could start (no name yet). */
  pendingArguments: string;
  index?: number;
}

/** Key of the legacy `delta.function_call` stream, which has no index. */
const LEGACY_FUNCTION_KEY = -1;

/**
 * Upstream OpenAI Chat SSE → canonical stream events. Emits `start` on the first chunk; handles
 * reasoning deltas (`reasoning_content` / `reasoning`), tool-call fragments by index (sequential,
 * interleaved or whole), content and `finish_reason` in one chunk, the `choices:[]` usage chunk,
 * `[DONE]`, and a mid-stream `{"error":…}`. Only choice 0 is followed.
 */
export function createOpenAIChatStreamDecoder(
  ctx: TranslateContext,
  opts: DecodeOpenAIChatOptions = {},
): StreamDecoder<SseEvent> {
  return new OpenAIChatStreamDecoder(ctx, opts);
}

class OpenAIChatStreamDecoder implements StreamDecoder<SseEvent> {
  private started = false;
  private finished = false;
  /** `[DONE]`, an error, or the end: nothing more is decoded. */
  private closed = false;
  private readonly calls = new Map<number, ToolCallState>();
  private nextToolIndex = 0;

  constructor(
    private readonly ctx: TranslateContext,
    private readonly opts: DecodeOpenAIChatOptions,
  ) {}

  push(chunk: SseEvent): StreamEvent[] {
    if (this.closed) return [];
    const data = chunk.data.trim();
    if (data === '[DONE]') return this.close();
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return []; // not JSON (a stray keep-alive): nothing to decode
    }
    if (!isObject(parsed)) return [];
    if (chunk.event === 'error' || (parsed.error !== undefined && parsed.error !== null)) {
      this.closed = true;
      return [{ type: 'error', error: decodeOpenAIStreamError(parsed.error ?? parsed) }];
    }

    const out: StreamEvent[] = [];
    if (!this.started) out.push(this.start(parsed));
    const choices = Array.isArray(parsed.choices) ? parsed.choices : [];
    for (const choice of choices) {
      if (isObject(choice) && (num(choice, 'index') ?? 0) === 0) this.choice(choice, out);
    }
    const usage = decodeOpenAIUsage(parsed.usage);
    if (usage) out.push({ type: 'usage', usage });
    return out;
  }

  end(): StreamEvent[] {
    return this.closed ? [] : this.close();
  }

  private start(chunk: JsonObject): StreamEvent {
    this.started = true;
    const event: StreamEvent = {
      type: 'start',
      id: str(chunk, 'id') || this.ctx.newId('chatcmpl-'),
      model: str(chunk, 'model') ?? this.ctx.clientModel,
    };
    const created = num(chunk, 'created');
    if (created !== undefined) event.created = created;
    return event;
  }

  private choice(choice: JsonObject, out: StreamEvent[]): void {
    if (!this.finished) {
      const delta = obj(choice, 'delta') ?? obj(choice, 'message') ?? {};
      const reasoning = reasoningText(delta);
      if (reasoning) out.push({ type: 'reasoning', text: reasoning });
      const content = delta.content;
      if (typeof content === 'string' && content.length > 0) out.push({ type: 'text', text: content });
      const refusal = str(delta, 'refusal');
      if (refusal) out.push({ type: 'text', text: refusal });
      if (Array.isArray(delta.tool_calls)) {
        delta.tool_calls.forEach((fragment, position) => this.toolFragment(fragment, position, out));
      }
      const legacy = obj(delta, 'function_call');
      if (legacy) this.toolFragment({ index: LEGACY_FUNCTION_KEY, function: legacy }, 0, out);
    }
    const finishReason = str(choice, 'finish_reason');
    if (finishReason !== undefined && !this.finished) {
      this.flushToolCalls(out);
      this.finished = true;
      const reason = fromOpenAIFinishReason(finishReason, this.nextToolIndex > 0);
      // vLLM reports the stop string that matched as `stop_reason`.
      const stopString = str(choice, 'stop_reason');
      if (reason === 'stop' && stopString !== undefined) {
        out.push({ type: 'finish', reason: 'stop_sequence', stopSequence: stopString });
      } else {
        out.push({ type: 'finish', reason });
      }
    }
  }

  /** One `delta.tool_calls[]` fragment. A fragment with a new id at a used index starts a new call. */
  private toolFragment(fragment: unknown, position: number, out: StreamEvent[]): void {
    if (!isObject(fragment)) return;
    const key = num(fragment, 'index') ?? position;
    const fn = obj(fragment, 'function') ?? {};
    const id = str(fragment, 'id') || undefined;
    const name = str(fn, 'name') || undefined;
    const args = argumentsText(fn.arguments);
    let call = this.calls.get(key);
    if (call?.index !== undefined && id !== undefined && call.id !== undefined && id !== call.id)
      call = undefined;
    if (!call) {
      call = { pendingArguments: '' };
      this.calls.set(key, call);
    }
    if (call.index !== undefined) {
      if (args.length > 0) out.push({ type: 'tool_call_delta', index: call.index, arguments: args });
      return;
    }
    if (id !== undefined) call.id = id;
    if (name !== undefined) call.name = name;
    call.pendingArguments += args;
    if (call.name !== undefined) this.startToolCall(call, out);
  }

  private startToolCall(call: ToolCallState, out: StreamEvent[]): void {
    const index = this.nextToolIndex++;
    call.index = index;
    out.push({
      type: 'tool_call_start',
      index,
      id: call.id ?? this.ctx.newId('call_'),
      name: restoreToolName(call.name ?? '', this.opts.toolNames),
    });
    if (call.pendingArguments.length > 0) {
      out.push({ type: 'tool_call_delta', index, arguments: call.pendingArguments });
    }
    call.pendingArguments = '';
  }

  /** Calls that never got a name still carry arguments the client should see. */
  private flushToolCalls(out: StreamEvent[]): void {
    for (const call of this.calls.values()) {
      if (call.index === undefined && (call.id !== undefined || call.pendingArguments.length > 0)) {
        this.startToolCall(call, out);
      }
    }
  }

  /** `[DONE]` or end of body: finish what is open; a body without a single chunk is an error. */
  private close(): StreamEvent[] {
    this.closed = true;
    if (!this.started) {
      return [
        {
          type: 'error',
          error: {
            status: 502,
            message: 'The upstream stream ended without a response.',
            type: 'server_error',
          },
        },
      ];
    }
    const out: StreamEvent[] = [];
    if (!this.finished) {
      this.flushToolCalls(out);
      this.finished = true;
      out.push({ type: 'finish', reason: this.nextToolIndex > 0 ? 'tool_calls' : 'stop' });
    }
    return out;
  }
}
