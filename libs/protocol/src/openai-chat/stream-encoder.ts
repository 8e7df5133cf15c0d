import { ZERO_USAGE, mergeUsage } from '../canonical/model';
import type { StreamEncoder, StreamEvent, TranslateContext, Usage } from '../canonical/model';
import { sse } from '../sse/sse-parser';
import { encodeCustomToolCall } from './custom-tools';
import { encodeOpenAIError } from './errors';
import { clientFinishReason } from './finish-reason';
import type { OpenAIFinishReason } from './finish-reason';
import type { JsonObject } from './json';
import { encodeOpenAIUsage } from './usage';

export interface OpenAIChatStreamEncoderOptions {
  /** The client sent `stream_options.include_usage: true`. */
  includeUsage: boolean;
  /**
   * Names of custom (free-form) tools the client declared. Their calls are held until complete and
   * sent whole as `{type: "custom", custom: {name, input}}`, since the raw input is one argument of
   * the provider's function call.
   */
  customTools?: ReadonlySet<string>;
}

/**
 * Canonical stream → OpenAI Chat SSE exactly as WIRE-FORMATS 1.5 describes: a role chunk with
 * `content:""`, content deltas, tool calls (first fragment with index/id/type/name and
 * `arguments:""`, then fragments with only index and arguments), one finish chunk, and with
 * `includeUsage` `usage:null` on every chunk plus a final `choices:[]` usage chunk; `[DONE]` last.
 * Usage is held to the end because canonical streams may report it after `finish`.
 */
export function createOpenAIChatStreamEncoder(
  ctx: TranslateContext,
  opts: OpenAIChatStreamEncoderOptions,
): StreamEncoder {
  return new OpenAIChatStreamEncoder(ctx, opts);
}

class OpenAIChatStreamEncoder implements StreamEncoder {
  private readonly id: string;
  private readonly created: number;
  private started = false;
  private finished = false;
  private closed = false;
  private usage: Usage = { ...ZERO_USAGE };
  /** Canonical tool index → OpenAI tool index (both count from 0 in order of appearance). */
  private readonly toolIndexes = new Map<number, number>();
  /** Custom tool calls being collected, by canonical index. */
  private readonly pendingCustom = new Map<
    number,
    { index: number; id: string; name: string; args: string }
  >();

  constructor(
    private readonly ctx: TranslateContext,
    private readonly opts: OpenAIChatStreamEncoderOptions,
  ) {
    this.id = ctx.newId('chatcmpl-');
    this.created = Math.floor(ctx.now() / 1000);
  }

  push(event: StreamEvent): string {
    if (this.closed) return '';
    switch (event.type) {
      case 'start':
        this.usage = mergeUsage(this.usage, event.usage);
        return this.roleChunk();
      case 'text':
        return event.text.length > 0 ? this.delta({ content: event.text }) : '';
      case 'reasoning':
        return event.text.length > 0 ? this.delta({ reasoning_content: event.text }) : '';
      case 'reasoning_signature':
      case 'redacted_reasoning':
        return '';
      case 'tool_call_start': {
        if (this.toolIndexes.has(event.index)) return '';
        const index = this.toolIndexes.size;
        this.toolIndexes.set(event.index, index);
        if (this.opts.customTools?.has(event.name)) {
          this.pendingCustom.set(event.index, { index, id: event.id, name: event.name, args: '' });
          return '';
        }
        const call = { index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } };
        return this.delta({ tool_calls: [call] });
      }
      case 'tool_call_delta': {
        const custom = this.pendingCustom.get(event.index);
        if (custom) {
          custom.args += event.arguments;
          return '';
        }
        const index = this.toolIndexes.get(event.index);
        if (index === undefined || event.arguments.length === 0) return '';
        return this.delta({ tool_calls: [{ index, function: { arguments: event.arguments } }] });
      }
      case 'usage':
        this.usage = mergeUsage(this.usage, event.usage);
        return '';
      case 'finish':
        return this.flushCustom() + this.finish(clientFinishReason(event.reason, this.toolIndexes.size > 0));
      case 'error': {
        this.closed = true;
        const status = event.error.status === 529 ? 503 : event.error.status;
        const body = encodeOpenAIError(
          status,
          event.error.message,
          event.error.type ? { type: event.error.type } : {},
        );
        return sse(JSON.stringify(body)) + sse('[DONE]');
      }
    }
  }

  end(): string {
    if (this.closed) return '';
    let out =
      this.roleChunk() + this.flushCustom() + this.finish(this.toolIndexes.size > 0 ? 'tool_calls' : 'stop');
    this.closed = true;
    if (this.opts.includeUsage) {
      const chunk: JsonObject = {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.ctx.clientModel,
        choices: [],
        usage: encodeOpenAIUsage(this.usage),
      };
      out += sse(JSON.stringify(chunk));
    }
    return out + sse('[DONE]');
  }

  /** Complete custom tool calls, each sent whole in one chunk. */
  private flushCustom(): string {
    let out = '';
    for (const call of this.pendingCustom.values()) {
      out += this.delta({
        tool_calls: [{ index: call.index, ...encodeCustomToolCall(call.id, call.name, call.args) }],
      });
    }
    this.pendingCustom.clear();
    return out;
  }

  /** The first chunk, once: the role and an empty content. */
  private roleChunk(): string {
    if (this.started) return '';
    this.started = true;
    return this.chunk({ role: 'assistant', content: '', refusal: null }, null);
  }

  private delta(delta: JsonObject): string {
    if (this.finished) return '';
    return this.roleChunk() + this.chunk(delta, null);
  }

  private finish(reason: OpenAIFinishReason): string {
    if (this.finished) return '';
    const out = this.roleChunk() + this.chunk({}, reason);
    this.finished = true;
    return out;
  }

  private chunk(delta: JsonObject, finishReason: OpenAIFinishReason | null): string {
    const chunk: JsonObject = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.ctx.clientModel,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
    if (this.opts.includeUsage) chunk.usage = null;
    return sse(JSON.stringify(chunk));
  }
}
