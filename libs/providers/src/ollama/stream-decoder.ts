import type { StreamDecoder, StreamEvent, TranslateContext } from '@optscale/protocol';
import type { FramedChunk } from '../adapter';
import { ollamaStreamError } from './errors';
import { type JsonObject, asRecord, asString, tryParseJson } from '../json';
import { createdSeconds, readMessage } from './message';
import { ollamaFinishReason, ollamaUsage } from './usage';

/**
 * `/api/chat` NDJSON (`{data: line}` per line) → canonical events. Each line carries a content
 * and/or thinking delta; tool calls arrive whole (`tool_call_start` + one `tool_call_delta`); the
 * `done: true` line carries the counters (→ `usage`) and `done_reason` (→ `finish`). A line
 * `{"error":"…"}` ends the stream with an `error` event. EOF before `done` gets a synthesized finish.
 */
export function createStreamDecoder(ctx: TranslateContext): StreamDecoder<FramedChunk> {
  let started = false;
  let finished = false;
  let failed = false;
  let toolIndex = 0;

  const fail = (error: Extract<StreamEvent, { type: 'error' }>['error']): StreamEvent[] => {
    failed = true;
    return [{ type: 'error', error }];
  };

  const onLine = (line: JsonObject): StreamEvent[] => {
    const out: StreamEvent[] = [];
    if (!started) {
      started = true;
      out.push({
        type: 'start',
        id: ctx.newId('gen_'),
        model: asString(line.model) ?? ctx.clientModel,
        created: createdSeconds(line) ?? Math.floor(ctx.now() / 1000),
      });
    }
    const message = readMessage(line, ctx);
    if (message.thinking.length > 0) out.push({ type: 'reasoning', text: message.thinking });
    if (message.content.length > 0) out.push({ type: 'text', text: message.content });
    for (const call of message.toolCalls) {
      const index = toolIndex++;
      out.push({ type: 'tool_call_start', index, id: call.id, name: call.name });
      out.push({ type: 'tool_call_delta', index, arguments: call.arguments });
    }
    if (line.done === true) {
      finished = true;
      out.push({ type: 'usage', usage: ollamaUsage(line) });
      out.push({ type: 'finish', reason: ollamaFinishReason(asString(line.done_reason), toolIndex > 0) });
    }
    return out;
  };

  return {
    push(chunk: FramedChunk): StreamEvent[] {
      if (failed || finished) return [];
      const data = chunk.data.trim();
      if (data.length === 0) return [];
      const line = asRecord(tryParseJson(data));
      if (!line)
        return fail({ status: 502, message: `Ollama sent an unreadable stream line: ${data.slice(0, 200)}` });
      const error = ollamaStreamError(line);
      if (error) return fail(error);
      return onLine(line);
    },
    end(): StreamEvent[] {
      if (failed || finished) return [];
      if (!started) return fail({ status: 502, message: 'Ollama ended the stream without sending anything' });
      finished = true;
      return [{ type: 'finish', reason: ollamaFinishReason(undefined, toolIndex > 0) }];
    },
  };
}
