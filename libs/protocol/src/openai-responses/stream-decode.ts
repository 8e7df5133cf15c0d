/**
 * Upstream OpenAI Responses SSE → canonical stream events.
 *
 * Tool calls are numbered in order of their `output_item.added`. Arguments stream from
 * `function_call_arguments.delta`; the `.done` event and the item's `output_item.done` are
 * reconciled against what was streamed, so servers that send arguments only at the end still
 * produce a start + delta. Reasoning comes from `reasoning_summary_text` or `reasoning_text`,
 * whichever an item uses first (a server sending both for one item would otherwise double it).
 * The stream must end with `response.completed` / `response.incomplete`; EOF before that is an
 * error (Codex treats it the same way), and `response.failed` / `error` become an `error` event.
 */
import type { FinishReason, StreamDecoder, StreamEvent, TranslateContext } from '../canonical/model';
import type { SseEvent } from '../sse/sse-parser';
import type { JsonObject } from './json';
import { arr, isObject, num, obj, str } from './json';
import { finishFromIncomplete } from './response-decode';
import { decodeResponsesUsage } from './usage';

interface ToolTrack {
  index: number;
  callId: string;
  name: string;
  args: string;
  started: boolean;
}

/** HTTP status for an OpenAI error code in a stream. */
function statusForCode(code: string | undefined): number {
  switch (code ?? '') {
    case 'rate_limit_exceeded':
      return 429;
    case 'invalid_prompt':
    case 'context_length_exceeded':
    case 'invalid_request_error':
      return 400;
    default:
      return 500;
  }
}

export function createResponsesStreamDecoder(ctx: TranslateContext): StreamDecoder<SseEvent> {
  return new ResponsesStreamDecoder(ctx);
}

class ResponsesStreamDecoder implements StreamDecoder<SseEvent> {
  private started = false;
  private done = false;
  private readonly tools = new Map<string, ToolTrack>();
  private nextTool = 0;
  private readonly reasoningKind = new Map<string, 'summary' | 'text'>();

  constructor(private readonly ctx: TranslateContext) {}

  push(chunk: SseEvent): StreamEvent[] {
    if (this.done) return [];
    const data = chunk.data.trim();
    if (data === '' || data === '[DONE]') return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return this.fail(502, 'Malformed event in the upstream stream.', undefined);
    }
    if (!isObject(parsed)) return [];
    const type = str(parsed, 'type') ?? chunk.event;
    if (type === 'error' || (type === undefined && isObject(parsed.error))) {
      const err = obj(parsed, 'error') ?? parsed;
      const code = str(err, 'code') ?? str(err, 'type');
      return this.fail(statusForCode(code), str(err, 'message') ?? 'Upstream error', code);
    }
    const out: StreamEvent[] = [];
    if (!this.started) out.push(this.start(obj(parsed, 'response')));
    this.handle(type ?? '', parsed, out);
    return out;
  }

  end(): StreamEvent[] {
    if (this.done) return [];
    const out: StreamEvent[] = this.started ? [] : [this.start(undefined)];
    return [...out, ...this.fail(502, 'The upstream stream ended before response.completed.', undefined)];
  }

  private start(response: JsonObject | undefined): StreamEvent {
    this.started = true;
    const r = response ?? {};
    const event: StreamEvent = {
      type: 'start',
      id: str(r, 'id') ?? this.ctx.newId('resp_'),
      model: str(r, 'model') ?? this.ctx.clientModel,
    };
    const created = num(r, 'created_at');
    if (created !== undefined) event.created = created;
    return event;
  }

  private fail(status: number, message: string, type: string | undefined): StreamEvent[] {
    this.done = true;
    const out: StreamEvent[] = this.started ? [] : [this.start(undefined)];
    const error: { status: number; message: string; type?: string } = { status, message };
    if (type !== undefined) error.type = type;
    out.push({ type: 'error', error });
    return out;
  }

  private handle(type: string, ev: JsonObject, out: StreamEvent[]): void {
    switch (type) {
      case 'response.output_text.delta':
      case 'response.refusal.delta': {
        const delta = str(ev, 'delta') ?? '';
        if (delta !== '') out.push({ type: 'text', text: delta });
        return;
      }
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta': {
        const delta = str(ev, 'delta') ?? '';
        const kind = type === 'response.reasoning_text.delta' ? 'text' : 'summary';
        if (delta !== '' && this.reasoningFrom(ev, kind)) out.push({ type: 'reasoning', text: delta });
        return;
      }
      case 'response.reasoning_summary_part.added':
        // Separate summary parts the way the non-streaming decoder joins them.
        if ((num(ev, 'summary_index') ?? 0) > 0 && this.reasoningFrom(ev, 'summary')) {
          out.push({ type: 'reasoning', text: '\n\n' });
        }
        return;
      case 'response.output_item.added':
      case 'response.output_item.done': {
        const item = obj(ev, 'item');
        if (item?.type === 'function_call') this.toolItem(ev, item, out);
        return;
      }
      case 'response.function_call_arguments.delta': {
        const tool = this.tool(ev);
        const delta = str(ev, 'delta') ?? '';
        if (delta === '') return;
        tool.args += delta;
        if (tool.started) out.push({ type: 'tool_call_delta', index: tool.index, arguments: delta });
        return;
      }
      case 'response.function_call_arguments.done':
        this.reconcile(this.tool(ev), str(ev, 'name'), undefined, str(ev, 'arguments'), out);
        return;
      case 'response.completed':
      case 'response.incomplete':
        this.complete(type, obj(ev, 'response') ?? {}, out);
        return;
      case 'response.failed': {
        const response = obj(ev, 'response') ?? {};
        // Tokens spent before the failure are still billed.
        const usage = decodeResponsesUsage(response.usage);
        if (usage) out.push({ type: 'usage', usage });
        const error = obj(response, 'error') ?? {};
        const code = str(error, 'code');
        out.push(
          ...this.fail(statusForCode(code), str(error, 'message') ?? 'Upstream response failed.', code),
        );
        return;
      }
      default:
        return;
    }
  }

  private reasoningFrom(ev: JsonObject, kind: 'summary' | 'text'): boolean {
    const key = this.key(ev);
    const seen = this.reasoningKind.get(key);
    if (seen === undefined) this.reasoningKind.set(key, kind);
    return seen === undefined || seen === kind;
  }

  private key(ev: JsonObject): string {
    const index = num(ev, 'output_index');
    if (index !== undefined) return `o${index}`;
    return `i${str(ev, 'item_id') ?? str(obj(ev, 'item') ?? {}, 'id') ?? ''}`;
  }

  private tool(ev: JsonObject): ToolTrack {
    const key = this.key(ev);
    let tool = this.tools.get(key);
    if (!tool) {
      tool = { index: -1, callId: '', name: '', args: '', started: false };
      this.tools.set(key, tool);
    }
    return tool;
  }

  private toolItem(ev: JsonObject, item: JsonObject, out: StreamEvent[]): void {
    const tool = this.tool(ev);
    const callId = str(item, 'call_id') ?? str(item, 'id');
    const args = str(item, 'arguments');
    this.reconcile(tool, str(item, 'name'), callId, args === '' ? undefined : args, out);
  }

  /** Start the call once its name is known, then emit whatever of `finalArgs` was not streamed. */
  private reconcile(
    tool: ToolTrack,
    name: string | undefined,
    callId: string | undefined,
    finalArgs: string | undefined,
    out: StreamEvent[],
  ): void {
    if (name !== undefined && tool.name === '') tool.name = name;
    if (callId !== undefined && tool.callId === '') tool.callId = callId;
    if (!tool.started && tool.name !== '') {
      tool.started = true;
      tool.index = this.nextTool++;
      if (tool.callId === '') tool.callId = this.ctx.newId('call_');
      out.push({ type: 'tool_call_start', index: tool.index, id: tool.callId, name: tool.name });
      if (tool.args !== '') out.push({ type: 'tool_call_delta', index: tool.index, arguments: tool.args });
    }
    if (finalArgs === undefined || finalArgs === tool.args) return;
    if (finalArgs.startsWith(tool.args)) {
      const rest = finalArgs.slice(tool.args.length);
      tool.args = finalArgs;
      if (tool.started) out.push({ type: 'tool_call_delta', index: tool.index, arguments: rest });
    }
  }

  private complete(type: string, response: JsonObject, out: StreamEvent[]): void {
    this.done = true;
    const usage = decodeResponsesUsage(response.usage);
    if (usage) out.push({ type: 'usage', usage });
    let reason: FinishReason;
    if (type === 'response.incomplete') {
      reason = finishFromIncomplete(str(obj(response, 'incomplete_details') ?? {}, 'reason'));
    } else {
      const calls =
        this.nextTool > 0 || arr(response, 'output').some((i) => isObject(i) && i.type === 'function_call');
      reason = calls ? 'tool_calls' : 'stop';
    }
    out.push({ type: 'finish', reason });
  }
}
