import type { StreamDecoder, StreamEvent, TranslateContext, Usage } from '@optscale/protocol';
import type { FramedChunk } from '../adapter';
import { geminiStreamError } from './errors';
import { BLOCKED_PROMPT_FINISH, geminiFinishReason } from './finish-reason';
import { type JsonObject, asRecord, asString, tryParseJson } from '../json';
import { firstCandidate, firstCandidateParts, readPart } from './parts';
import { geminiUsage } from './usage';

/**
 * `streamGenerateContent?alt=sse` → canonical events. Every SSE event is a whole
 * `GenerateContentResponse` carrying only new parts; function calls arrive whole, so each becomes
 * `tool_call_start` + one `tool_call_delta`. `usageMetadata` is cumulative (the last one counts):
 * the first chunk's prompt side goes on `start`, the latest full usage is emitted just before
 * `finish` (and again if a later chunk changes it). There is no `[DONE]`; EOF without a
 * `finishReason` gets a synthesized finish.
 */
export function createStreamDecoder(ctx: TranslateContext): StreamDecoder<FramedChunk> {
  let started = false;
  let finished = false;
  let failed = false;
  let toolIndex = 0;
  let usage: Usage | undefined;
  let emittedUsage: string | undefined;

  const usageEvent = (out: StreamEvent[]): void => {
    if (!usage) return;
    const key = JSON.stringify(usage);
    if (key === emittedUsage) return;
    emittedUsage = key;
    out.push({ type: 'usage', usage: { ...usage } });
  };

  const fail = (status: number, message: string, type?: string): StreamEvent[] => {
    failed = true;
    return [{ type: 'error', error: type === undefined ? { status, message } : { status, message, type } }];
  };

  const onChunk = (body: JsonObject): StreamEvent[] => {
    const out: StreamEvent[] = [];
    usage = geminiUsage(body.usageMetadata) ?? usage;
    if (!started) {
      started = true;
      const start: Extract<StreamEvent, { type: 'start' }> = {
        type: 'start',
        id: asString(body.responseId) ?? ctx.newId('gen_'),
        model: asString(body.modelVersion) ?? ctx.clientModel,
        created: Math.floor(ctx.now() / 1000),
      };
      if (usage) start.usage = { inputTokens: usage.inputTokens, cacheReadTokens: usage.cacheReadTokens };
      out.push(start);
    }
    if (finished) {
      usageEvent(out);
      return out;
    }

    for (const raw of firstCandidateParts(body)) {
      const part = readPart(raw, ctx);
      if (!part) continue;
      switch (part.kind) {
        case 'text':
          out.push({ type: 'text', text: part.text });
          break;
        case 'reasoning':
          out.push({ type: 'reasoning', text: part.text });
          break;
        case 'function_call': {
          const index = toolIndex++;
          out.push({
            type: 'tool_call_start',
            index,
            id: part.id,
            name: part.name,
            ...(part.thoughtSignature !== undefined ? { thoughtSignature: part.thoughtSignature } : {}),
          });
          out.push({ type: 'tool_call_delta', index, arguments: part.arguments });
          break;
        }
        case 'other':
          break; // executable code etc.: no canonical stream event
      }
    }

    const finishReason = asString(firstCandidate(body)?.finishReason);
    const blocked = asString(asRecord(body.promptFeedback)?.blockReason) !== undefined;
    if (finishReason !== undefined || blocked) {
      finished = true;
      usageEvent(out);
      out.push({
        type: 'finish',
        reason:
          finishReason === undefined
            ? BLOCKED_PROMPT_FINISH
            : geminiFinishReason(finishReason, toolIndex > 0),
      });
    }
    return out;
  };

  return {
    push(chunk: FramedChunk): StreamEvent[] {
      if (failed) return [];
      const data = chunk.data.trim();
      if (data.length === 0) return [];
      const body = asRecord(tryParseJson(data));
      if (!body) return fail(502, `Gemini sent an unreadable stream chunk: ${data.slice(0, 200)}`);
      const error = geminiStreamError(body);
      if (error) return fail(error.status, error.message, error.type);
      return onChunk(body);
    },
    end(): StreamEvent[] {
      if (failed || finished) return [];
      if (!started) return fail(502, 'Gemini ended the stream without sending anything');
      finished = true;
      const out: StreamEvent[] = [];
      usageEvent(out);
      out.push({ type: 'finish', reason: geminiFinishReason(undefined, toolIndex > 0) });
      return out;
    },
  };
}
