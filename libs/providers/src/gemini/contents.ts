import type { ChatRequest, ContentPart, Message, ToolCallPart, ToolResultPart } from '@optscale/protocol';
import { type JsonObject, isRecord, tryParseJson } from '../json';
import { documentPart, imagePart } from './media';
import type { GeminiContent, GeminiPart, GeminiSystemInstruction } from './wire';

/** The conversation part of a Gemini request: what `generateContent` and `countTokens` share. */
export interface GeminiPrompt {
  contents: GeminiContent[];
  systemInstruction?: GeminiSystemInstruction;
}

/** Gemini needs a function name on every `functionResponse`; used when none can be found. */
export const UNKNOWN_FUNCTION_NAME = 'unknown_function';

/**
 * Canonical system prompt + messages → Gemini `systemInstruction` + `contents`.
 * - Roles user/model; consecutive turns of the same role are merged (Gemini wants them alternating).
 * - Mid-conversation `system` messages have no place in `contents`; their text is appended to
 *   `systemInstruction`, in order (a user turn would turn an instruction into user speech).
 * - Reasoning parts are dropped: Gemini does not take thoughts back, only signatures, which are
 *   replayed on the function calls that carry them.
 * - Opaque parts of the Gemini dialect are re-emitted verbatim; those of other dialects dropped.
 */
export function toGeminiPrompt(req: Pick<ChatRequest, 'system' | 'messages'>): GeminiPrompt {
  const systemParts: GeminiPart[] = textParts(req.system);
  const toolNames = toolNamesById(req.messages);
  const contents: GeminiContent[] = [];

  for (const message of req.messages) {
    if (message.role === 'system') {
      systemParts.push(...textParts(message.content));
      continue;
    }
    const role = message.role === 'assistant' ? 'model' : 'user';
    const parts = role === 'model' ? modelParts(message) : userParts(message, toolNames);
    if (parts.length === 0) continue;
    const last = contents[contents.length - 1];
    if (last !== undefined && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }

  const prompt: GeminiPrompt = { contents };
  if (systemParts.length > 0) prompt.systemInstruction = { parts: systemParts };
  return prompt;
}

function textParts(parts: readonly ContentPart[]): GeminiPart[] {
  const out: GeminiPart[] = [];
  for (const part of parts) if (part.type === 'text' && part.text.length > 0) out.push({ text: part.text });
  return out;
}

function toolNamesById(messages: readonly Message[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    for (const part of message.content) if (part.type === 'tool_call') names.set(part.id, part.name);
  }
  return names;
}

function modelParts(message: Message): GeminiPart[] {
  const out: GeminiPart[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        if (part.text.length > 0) out.push({ text: part.text });
        break;
      case 'tool_call':
        out.push(functionCallPart(part));
        break;
      case 'image':
        out.push(imagePart(part.source));
        break;
      case 'document':
        out.push(documentPart(part.source));
        break;
      case 'opaque':
        if (part.dialect === 'gemini') out.push({ ...part.value });
        break;
      case 'reasoning':
      case 'tool_result':
        break;
    }
  }
  return out;
}

/** A user turn: function responses first (they answer the preceding model turn), then the rest. */
function userParts(message: Message, toolNames: ReadonlyMap<string, string>): GeminiPart[] {
  const responses: GeminiPart[] = [];
  const rest: GeminiPart[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        if (part.text.length > 0) rest.push({ text: part.text });
        break;
      case 'image':
        rest.push(imagePart(part.source));
        break;
      case 'document':
        rest.push(documentPart(part.source));
        break;
      case 'tool_result':
        responses.push(...functionResponseParts(part, toolNames));
        break;
      case 'opaque':
        if (part.dialect === 'gemini') rest.push({ ...part.value });
        break;
      case 'tool_call':
      case 'reasoning':
        break;
    }
  }
  return [...responses, ...rest];
}

/** Arguments JSON text → the `args` object Gemini wants; `""` is no arguments, non-objects are wrapped. */
export function functionArgs(argumentsText: string): JsonObject {
  if (argumentsText.trim() === '') return {};
  const parsed = tryParseJson(argumentsText);
  return isRecord(parsed) ? parsed : { raw: argumentsText };
}

function functionCallPart(part: ToolCallPart): GeminiPart {
  const out: GeminiPart = { functionCall: { name: part.name, args: functionArgs(part.arguments) } };
  if (part.thoughtSignature !== undefined && part.thoughtSignature.length > 0) {
    out.thoughtSignature = part.thoughtSignature;
  }
  return out;
}

/**
 * A tool result → a `functionResponse` (whose `response` must be an object) plus any media it
 * returned as sibling parts. Text that is a JSON object is sent as that object; other text is
 * wrapped as `{content}`. Errors go under `error`, the key Gemini documents for failed calls.
 * Ids are not sent: Gemini does not issue them on this API, so ours would match nothing.
 */
function functionResponseParts(part: ToolResultPart, toolNames: ReadonlyMap<string, string>): GeminiPart[] {
  const name = part.name ?? toolNames.get(part.toolCallId) ?? UNKNOWN_FUNCTION_NAME;
  const text = part.content
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
  const parsed = text.trimStart().startsWith('{') ? tryParseJson(text) : undefined;
  const payload: unknown = isRecord(parsed) ? parsed : text;
  const response: JsonObject = part.isError
    ? { error: payload }
    : isRecord(payload)
      ? payload
      : { content: payload };
  const out: GeminiPart[] = [{ functionResponse: { name, response } }];
  for (const c of part.content) {
    if (c.type === 'image') out.push(imagePart(c.source));
    else if (c.type === 'document') out.push(documentPart(c.source));
  }
  return out;
}
