import { ids } from '../ids';
import { asObject } from '../json';
import type { JsonObject } from '../json';
import type { Script, ScriptToolCall } from '../scenario';
import { content, struct, tail } from '../stream';
import type { Frame } from '../stream';
import { defaultOpenAIError, responsesUsage } from './common';

/** Identity and request echo of one Responses API answer. */
export interface ResponseMeta {
  id: string;
  createdAt: number;
  model: string;
  request: JsonObject;
  /** Show reasoning summaries (the request set `reasoning.summary`). */
  summarize: boolean;
}

type Item = Record<string, unknown>;

interface PlannedItem {
  /** The finished item, as in `output` and `response.output_item.done`. */
  done: Item;
  /** The item as announced by `response.output_item.added`. */
  added: Item;
  /** The scripted call behind a `function_call` item. */
  call?: ScriptToolCall;
}

/** The output items of a script: reasoning, message, function calls (in that order). */
function planItems(script: Script, meta: ResponseMeta): PlannedItem[] {
  const items: PlannedItem[] = [];
  if (script.reasoning.length > 0) {
    const id = ids.responsesObject('rs_');
    const summary = meta.summarize ? [{ type: 'summary_text', text: script.reasoning }] : [];
    items.push({ added: { id, type: 'reasoning', summary: [] }, done: { id, type: 'reasoning', summary } });
  }
  if (script.text.length > 0 || script.toolCalls.length === 0) {
    const id = ids.responsesObject('msg_');
    const part = { type: 'output_text', annotations: [], logprobs: [], text: script.text };
    items.push({
      added: { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
      done: { id, type: 'message', status: 'completed', content: [part], role: 'assistant' },
    });
  }
  for (const call of script.toolCalls) {
    const id = ids.responsesObject('fc_');
    const callId = call.id ?? ids.openaiToolCall();
    const base = { id, type: 'function_call' };
    items.push({
      added: { ...base, status: 'in_progress', arguments: '', call_id: callId, name: call.name },
      done: { ...base, status: 'completed', arguments: call.json, call_id: callId, name: call.name },
      call,
    });
  }
  return items;
}

/** The `response` object, echoing the request parameters like the real API. */
function responseObject(
  script: Script,
  meta: ResponseMeta,
  output: Item[] | undefined,
): Record<string, unknown> {
  const req = meta.request;
  const reasoning = asObject(req.reasoning);
  const text = asObject(req.text);
  const finished = output !== undefined;
  const incomplete = finished && script.finish === 'length';
  return {
    id: meta.id,
    object: 'response',
    created_at: meta.createdAt,
    status: !finished ? 'in_progress' : incomplete ? 'incomplete' : 'completed',
    background: false,
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    max_tool_calls: null,
    model: meta.model,
    output: output ?? [],
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: req.previous_response_id ?? null,
    reasoning: { effort: reasoning?.effort ?? null, summary: reasoning?.summary ?? null },
    service_tier: 'default',
    store: req.store ?? true,
    temperature: req.temperature ?? 1,
    text: { format: text?.format ?? { type: 'text' }, verbosity: text?.verbosity ?? 'medium' },
    tool_choice: req.tool_choice ?? 'auto',
    tools: req.tools ?? [],
    top_logprobs: 0,
    top_p: req.top_p ?? 1,
    truncation: req.truncation ?? 'disabled',
    usage: finished ? responsesUsage(script.usage) : null,
    user: null,
    metadata: req.metadata ?? {},
  };
}

/** The non-streamed Responses API body. */
export function responseBody(script: Script, meta: ResponseMeta): Record<string, unknown> {
  return responseObject(
    script,
    meta,
    planItems(script, meta).map((item) => item.done),
  );
}

/**
 * The Responses SSE sequence (WIRE-FORMATS 2.3): `event:` + `data:` with `type` and
 * `sequence_number`, ending with `response.completed` (or `response.incomplete`); no `[DONE]`.
 */
export function responseStreamFrames(script: Script, meta: ResponseMeta): Frame[] {
  const frames: Frame[] = [];
  const event = (make: (text: string) => Frame, type: string, fields: Record<string, unknown>): void => {
    const data = { type, sequence_number: frames.length, ...fields };
    frames.push(make(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`));
  };
  event(struct, 'response.created', { response: responseObject(script, meta, undefined) });
  event(struct, 'response.in_progress', { response: responseObject(script, meta, undefined) });

  const items = planItems(script, meta);
  items.forEach((item, outputIndex) => {
    const itemId = item.done.id;
    event(struct, 'response.output_item.added', { output_index: outputIndex, item: item.added });
    switch (item.done.type) {
      case 'reasoning':
        if (meta.summarize) reasoningEvents(event, script, itemId, outputIndex);
        break;
      case 'message':
        messageEvents(event, script, itemId, outputIndex);
        break;
      default: {
        const call = item.call;
        for (const piece of call?.pieces ?? []) {
          event(content, 'response.function_call_arguments.delta', {
            item_id: itemId,
            output_index: outputIndex,
            delta: piece,
          });
        }
        event(struct, 'response.function_call_arguments.done', {
          item_id: itemId,
          output_index: outputIndex,
          arguments: call?.json ?? '',
        });
      }
    }
    event(struct, 'response.output_item.done', { output_index: outputIndex, item: item.done });
  });

  const final = responseObject(
    script,
    meta,
    items.map((item) => item.done),
  );
  const terminal = final.status === 'incomplete' ? 'response.incomplete' : 'response.completed';
  event(tail, terminal, { response: final });
  return frames;
}

type EventFn = (make: (text: string) => Frame, type: string, fields: Record<string, unknown>) => void;

function reasoningEvents(event: EventFn, script: Script, itemId: unknown, outputIndex: number): void {
  const at = { item_id: itemId, output_index: outputIndex, summary_index: 0 };
  event(struct, 'response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } });
  for (const piece of script.reasoningPieces)
    event(content, 'response.reasoning_summary_text.delta', { ...at, delta: piece });
  event(struct, 'response.reasoning_summary_text.done', { ...at, text: script.reasoning });
  event(struct, 'response.reasoning_summary_part.done', {
    ...at,
    part: { type: 'summary_text', text: script.reasoning },
  });
}

function messageEvents(event: EventFn, script: Script, itemId: unknown, outputIndex: number): void {
  const at = { item_id: itemId, output_index: outputIndex, content_index: 0 };
  const part = (text: string): Record<string, unknown> => ({
    type: 'output_text',
    annotations: [],
    logprobs: [],
    text,
  });
  event(struct, 'response.content_part.added', { ...at, part: part('') });
  for (const piece of script.textPieces)
    event(content, 'response.output_text.delta', { ...at, delta: piece, logprobs: [] });
  event(struct, 'response.output_text.done', { ...at, text: script.text, logprobs: [] });
  event(struct, 'response.content_part.done', { ...at, part: part(script.text) });
}

/** The `error` event that ends a Responses stream early. */
export function responseStreamErrorFrame(
  sequenceNumber: number,
  status: number | undefined,
  message: string | undefined,
): string {
  const base = defaultOpenAIError(status ?? 500);
  const data = {
    type: 'error',
    sequence_number: sequenceNumber,
    code: base.code ?? base.type,
    message: message ?? base.message,
    param: null,
  };
  return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
}
