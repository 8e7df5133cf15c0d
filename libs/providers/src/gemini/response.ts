import { type ChatResponse, type TranslateContext, ZERO_USAGE } from '@optscale/protocol';
import { BLOCKED_PROMPT_FINISH, geminiFinishReason } from './finish-reason';
import { asRecord, asString } from '../json';
import { firstCandidate, firstCandidateParts, readPart } from './parts';
import { geminiUsage } from './usage';

type ResponseContent = ChatResponse['content'];

/**
 * A `generateContent` response → canonical. Only the first candidate is read (the gateway never
 * asks for more). A prompt blocked by `promptFeedback.blockReason` has no candidate and ends as
 * `content_filter` with no content. Adjacent text (or reasoning) parts are joined into one part.
 */
export function parseChatResponse(body: unknown, ctx: TranslateContext): ChatResponse {
  const root = asRecord(body) ?? {};
  const candidate = firstCandidate(root);
  const content: ResponseContent = [];
  let sawFunctionCall = false;

  for (const raw of firstCandidateParts(root)) {
    const part = readPart(raw, ctx);
    if (!part) continue;
    const last = content[content.length - 1];
    switch (part.kind) {
      case 'text':
        if (last?.type === 'text') last.text += part.text;
        else content.push({ type: 'text', text: part.text });
        break;
      case 'reasoning':
        if (last?.type === 'reasoning') last.text += part.text;
        else content.push({ type: 'reasoning', text: part.text });
        break;
      case 'function_call':
        sawFunctionCall = true;
        content.push({
          type: 'tool_call',
          id: part.id,
          name: part.name,
          arguments: part.arguments,
          ...(part.thoughtSignature !== undefined ? { thoughtSignature: part.thoughtSignature } : {}),
        });
        break;
      case 'other':
        content.push({ type: 'opaque', dialect: 'gemini', value: part.value });
        break;
    }
  }

  const blocked = content.length === 0 && asString(asRecord(root.promptFeedback)?.blockReason) !== undefined;
  return {
    id: asString(root.responseId) ?? ctx.newId('gen_'),
    model: asString(root.modelVersion) ?? ctx.clientModel,
    created: Math.floor(ctx.now() / 1000),
    content,
    finishReason: blocked
      ? BLOCKED_PROMPT_FINISH
      : geminiFinishReason(asString(candidate?.finishReason) ?? 'STOP', sawFunctionCall),
    usage: geminiUsage(root.usageMetadata) ?? { ...ZERO_USAGE },
  };
}
