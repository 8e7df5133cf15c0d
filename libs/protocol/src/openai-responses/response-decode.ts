/** Upstream OpenAI Responses `response` object → canonical response. */
import type { ChatResponse, FinishReason, TranslateContext } from '../canonical/model';
import { mergeUsage, ZERO_USAGE } from '../canonical/model';
import { ProtocolError } from '../errors';
import { opaque } from './content';
import { reasoningText } from './items';
import type { JsonObject } from './json';
import { argumentsText, arr, isObject, num, obj, str } from './json';
import { decodeResponsesUsage } from './usage';

/** `incomplete_details.reason` → canonical finish reason. */
export function finishFromIncomplete(reason: string | undefined): FinishReason {
  return reason === 'content_filter' ? 'content_filter' : 'length';
}

export function decodeResponsesResponse(body: unknown, ctx: TranslateContext): ChatResponse {
  if (!isObject(body)) throw new ProtocolError('Upstream response is not a JSON object.', null);
  const status = str(body, 'status');
  if (status === 'failed' || status === 'cancelled') {
    const message = str(obj(body, 'error') ?? {}, 'message') ?? `response ${status}`;
    throw new ProtocolError(`Upstream response ${status}: ${message}`, null);
  }
  const content: ChatResponse['content'] = [];
  const refusals: string[] = [];
  let calls = 0;
  for (const entry of arr(body, 'output')) {
    if (!isObject(entry)) continue;
    switch (entry.type) {
      case 'message':
        decodeMessage(entry, content, refusals);
        break;
      case 'function_call':
        calls++;
        content.push({
          type: 'tool_call',
          id: str(entry, 'call_id') ?? str(entry, 'id') ?? ctx.newId('call_'),
          name: str(entry, 'name') ?? '',
          arguments: argumentsText(entry.arguments),
        });
        break;
      case 'reasoning': {
        const text = reasoningText(entry, 'output');
        if (text !== '') content.push({ type: 'reasoning', text });
        const encrypted = str(entry, 'encrypted_content');
        if (encrypted !== undefined && encrypted !== '') content.push(opaque(entry));
        break;
      }
      default:
        content.push(opaque(entry));
    }
  }
  let finishReason: FinishReason;
  if (status === 'incomplete') {
    finishReason = finishFromIncomplete(str(obj(body, 'incomplete_details') ?? {}, 'reason'));
  } else if (calls > 0) finishReason = 'tool_calls';
  else if (refusals.length > 0) finishReason = 'refusal';
  else finishReason = 'stop';

  const res: ChatResponse = {
    id: str(body, 'id') ?? ctx.newId('resp_'),
    model: str(body, 'model') ?? ctx.clientModel,
    created: num(body, 'created_at') ?? Math.floor(ctx.now() / 1000),
    content,
    finishReason,
    usage: mergeUsage({ ...ZERO_USAGE }, decodeResponsesUsage(body.usage)),
  };
  if (refusals.length > 0) res.refusal = refusals.join('');
  return res;
}

function decodeMessage(item: JsonObject, content: ChatResponse['content'], refusals: string[]): void {
  for (const part of arr(item, 'content')) {
    if (!isObject(part)) continue;
    if (part.type === 'output_text') {
      const text = str(part, 'text') ?? '';
      if (text !== '') content.push({ type: 'text', text });
    } else if (part.type === 'refusal') {
      refusals.push(str(part, 'refusal') ?? '');
    }
  }
}
