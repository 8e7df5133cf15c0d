/**
 * Canonical stream → OpenAI Responses SSE (`event: <type>` + `data: {type, …, sequence_number}`).
 *
 * Grammar: `response.created` → `response.in_progress` → output items, each opened with
 * `response.output_item.added` and closed with `response.output_item.done`, one at a time and in
 * `output_index` order (the SDK accumulator appends items by index) → `response.completed` or
 * `response.incomplete` with the full response and usage. An `error` event becomes `error` then
 * `response.failed`. No `[DONE]`.
 *
 * Tool calls: the first call streams live; a call that starts while another is open is buffered
 * until the stream leaves tool calls (text, reasoning, finish or end), then emitted whole. That is
 * correct for upstreams that interleave argument fragments of several calls, at the price of
 * latency for the later calls of a parallel batch. Fragments for a call already closed (only
 * possible when an upstream mixes text into a call's arguments) are dropped.
 *
 * Reasoning is emitted as a reasoning item with `reasoning_summary_text` events, not
 * `reasoning_text`: both are accumulated by openai-node, but Codex shows only summaries by default
 * and the AI SDK (OpenCode) reads summaries, and OpenAI's own models stream summaries.
 */
import type {
  FinishReason,
  StreamEncoder,
  StreamError,
  StreamEvent,
  TranslateContext,
  Usage,
} from '../canonical/model';
import { mergeUsage, ZERO_USAGE } from '../canonical/model';
import { sse } from '../sse/sse-parser';
import type { JsonObject } from './json';
import type { ResponsesEcho, ResponseState } from './response-object';
import {
  buildResponseObject,
  functionCallItem,
  messageItem,
  outputTextPart,
  reasoningItem,
  responseId,
  terminalFor,
} from './response-object';

interface ToolState {
  callId: string;
  name: string;
  args: string;
  phase: 'pending' | 'open' | 'done';
  itemId: string;
  outputIndex: number;
}

type OpenItem =
  | { kind: 'message'; id: string; outputIndex: number; text: string }
  | { kind: 'reasoning'; id: string; outputIndex: number; text: string }
  | { kind: 'tool'; tool: ToolState };

export function createResponsesStreamEncoder(ctx: TranslateContext, echo: ResponsesEcho): StreamEncoder {
  return new ResponsesStreamEncoder(ctx, echo);
}

class ResponsesStreamEncoder implements StreamEncoder {
  private seq = 0;
  private started = false;
  private ended = false;
  private id = '';
  private createdAt = 0;
  private readonly output: JsonObject[] = [];
  private open: OpenItem | null = null;
  private readonly tools = new Map<number, ToolState>();
  private usage: Usage = { ...ZERO_USAGE };
  private finish: FinishReason | null = null;

  constructor(
    private readonly ctx: TranslateContext,
    private readonly echo: ResponsesEcho,
  ) {}

  push(event: StreamEvent): string {
    if (this.ended) return '';
    let out = '';
    if (!this.started && event.type !== 'start') out += this.start(this.ctx.newId('resp_'), undefined);
    switch (event.type) {
      case 'start':
        this.usage = mergeUsage(this.usage, event.usage);
        if (!this.started) out += this.start(responseId(event.id, this.ctx), event.created);
        break;
      case 'text':
        if (event.text !== '') out += this.appendText('message', event.text);
        break;
      case 'reasoning':
        if (event.text !== '') out += this.appendText('reasoning', event.text);
        break;
      case 'reasoning_signature':
      case 'redacted_reasoning':
        // Anthropic reasoning state means nothing to a Responses client.
        break;
      case 'tool_call_start':
        out += this.startTool(event.index, event.id, event.name);
        break;
      case 'tool_call_delta':
        out += this.toolDelta(event.index, event.arguments);
        break;
      case 'usage':
        this.usage = mergeUsage(this.usage, event.usage);
        break;
      case 'finish':
        this.finish = event.reason;
        out += this.closeAll();
        break;
      case 'error':
        out += this.fail(event.error);
        break;
    }
    return out;
  }

  end(): string {
    if (this.ended) return '';
    let out = this.started ? '' : this.start(this.ctx.newId('resp_'), undefined);
    out += this.closeAll();
    if (this.finish === null) {
      return (
        out +
        this.fail({ status: 502, message: 'The upstream stream ended before the response was complete.' })
      );
    }
    this.ended = true;
    const terminal = terminalFor(this.finish);
    const type = terminal.status === 'completed' ? 'response.completed' : 'response.incomplete';
    const state = this.state(terminal.status);
    if (terminal.incompleteReason) state.incompleteReason = terminal.incompleteReason;
    return out + this.emit(type, { response: buildResponseObject(state, this.ctx, this.echo) });
  }

  private emit(type: string, payload: JsonObject): string {
    const data = { type, ...payload, sequence_number: this.seq++ };
    return sse(JSON.stringify(data), type);
  }

  private state(status: ResponseState['status'], usage: Usage | null = this.usage): ResponseState {
    return { id: this.id, createdAt: this.createdAt, status, output: [...this.output], usage };
  }

  private start(id: string, created: number | undefined): string {
    this.started = true;
    this.id = id;
    this.createdAt = created ?? Math.floor(this.ctx.now() / 1000);
    const response = buildResponseObject(this.state('in_progress', null), this.ctx, this.echo);
    return this.emit('response.created', { response }) + this.emit('response.in_progress', { response });
  }

  private appendText(kind: 'message' | 'reasoning', delta: string): string {
    let out = '';
    if (this.open?.kind !== kind) {
      out += this.closeAll();
      const outputIndex = this.output.length;
      if (kind === 'message') {
        const id = this.ctx.newId('msg_');
        this.open = { kind, id, outputIndex, text: '' };
        out += this.emit('response.output_item.added', {
          output_index: outputIndex,
          item: messageItem(id, 'in_progress', []),
        });
        out += this.emit('response.content_part.added', {
          item_id: id,
          output_index: outputIndex,
          content_index: 0,
          part: outputTextPart(''),
        });
      } else {
        const id = this.ctx.newId('rs_');
        this.open = { kind, id, outputIndex, text: '' };
        out += this.emit('response.output_item.added', {
          output_index: outputIndex,
          item: reasoningItem(id, null),
        });
        out += this.emit('response.reasoning_summary_part.added', {
          item_id: id,
          output_index: outputIndex,
          summary_index: 0,
          part: { type: 'summary_text', text: '' },
        });
      }
    }
    const open = this.open;
    if (open?.kind !== kind) return out;
    open.text += delta;
    if (kind === 'message') {
      return (
        out +
        this.emit('response.output_text.delta', {
          item_id: open.id,
          output_index: open.outputIndex,
          content_index: 0,
          delta,
          logprobs: [],
        })
      );
    }
    return (
      out +
      this.emit('response.reasoning_summary_text.delta', {
        item_id: open.id,
        output_index: open.outputIndex,
        summary_index: 0,
        delta,
      })
    );
  }

  private startTool(index: number, callId: string, name: string): string {
    if (this.tools.has(index)) return '';
    const tool: ToolState = { callId, name, args: '', phase: 'pending', itemId: '', outputIndex: -1 };
    if (this.open?.kind === 'tool') {
      this.tools.set(index, tool);
      return '';
    }
    const closed = this.closeAll();
    this.tools.set(index, tool);
    return closed + this.openTool(tool);
  }

  private openTool(tool: ToolState): string {
    tool.phase = 'open';
    tool.itemId = this.ctx.newId('fc_');
    tool.outputIndex = this.output.length;
    this.open = { kind: 'tool', tool };
    let out = this.emit('response.output_item.added', {
      output_index: tool.outputIndex,
      item: functionCallItem(tool.itemId, tool.callId, tool.name, '', 'in_progress'),
    });
    if (tool.args !== '') out += this.argsDelta(tool, tool.args);
    return out;
  }

  private argsDelta(tool: ToolState, delta: string): string {
    return this.emit('response.function_call_arguments.delta', {
      item_id: tool.itemId,
      output_index: tool.outputIndex,
      delta,
    });
  }

  private toolDelta(index: number, delta: string): string {
    const tool = this.tools.get(index);
    if (!tool || tool.phase === 'done' || delta === '') return '';
    tool.args += delta;
    return tool.phase === 'open' ? this.argsDelta(tool, delta) : '';
  }

  /** Close the open item, then emit every buffered tool call whole, in index order. */
  private closeAll(): string {
    let out = this.closeOpen();
    const pending = [...this.tools.entries()]
      .filter(([, t]) => t.phase === 'pending')
      .sort(([a], [b]) => a - b);
    for (const [, tool] of pending) out += this.openTool(tool) + this.closeOpen();
    return out;
  }

  private closeOpen(): string {
    const open = this.open;
    if (!open) return '';
    this.open = null;
    let item: JsonObject;
    let out = '';
    switch (open.kind) {
      case 'message': {
        const status = this.finish === 'length' ? 'incomplete' : 'completed';
        const base = { item_id: open.id, output_index: open.outputIndex, content_index: 0 };
        out += this.emit('response.output_text.done', { ...base, text: open.text, logprobs: [] });
        out += this.emit('response.content_part.done', { ...base, part: outputTextPart(open.text) });
        item = messageItem(open.id, status, [outputTextPart(open.text)]);
        break;
      }
      case 'reasoning': {
        const base = { item_id: open.id, output_index: open.outputIndex, summary_index: 0 };
        out += this.emit('response.reasoning_summary_text.done', { ...base, text: open.text });
        out += this.emit('response.reasoning_summary_part.done', {
          ...base,
          part: { type: 'summary_text', text: open.text },
        });
        item = reasoningItem(open.id, open.text);
        break;
      }
      case 'tool': {
        const t = open.tool;
        t.phase = 'done';
        // A call without arguments still needs JSON clients can parse (Codex parses them).
        if (t.args === '') t.args = '{}';
        out += this.emit('response.function_call_arguments.done', {
          item_id: t.itemId,
          output_index: t.outputIndex,
          name: t.name,
          arguments: t.args,
        });
        item = functionCallItem(t.itemId, t.callId, t.name, t.args, 'completed');
        break;
      }
    }
    this.output.push(item);
    const outputIndex = open.kind === 'tool' ? open.tool.outputIndex : open.outputIndex;
    return out + this.emit('response.output_item.done', { output_index: outputIndex, item });
  }

  private fail(error: StreamError): string {
    this.ended = true;
    const code = error.status === 429 ? 'rate_limit_exceeded' : 'server_error';
    let out = this.emit('error', { code: error.type ?? code, message: error.message, param: null });
    const state = this.state('failed');
    state.error = { code, message: error.message };
    out += this.emit('response.failed', { response: buildResponseObject(state, this.ctx, this.echo) });
    return out;
  }
}
