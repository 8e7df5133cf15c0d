import type {
  ChatRequest,
  DocumentSource,
  ImageSource,
  Message,
  ToolCallPart,
  ToolResultPart,
} from '@optscale/protocol';
import { type JsonObject, isRecord, tryParseJson } from '../json';
import type { OllamaMessage, OllamaToolCall } from './wire';

/** Collects the text and images of one Ollama message. */
interface Body {
  texts: string[];
  images: string[];
}

/**
 * Canonical system prompt + messages → Ollama `messages`.
 * - Text parts are joined with newlines into the `content` string.
 * - Images go to `images` as raw base64 (a `data:` URL is unwrapped). Ollama cannot take image
 *   URLs, and this module is pure (no I/O), so a remote URL is dropped and replaced by the text
 *   note `[image: <url>]`; a gateway that wants the picture seen must download it first.
 *   Non-image documents get a similar note; plain-text documents are inlined.
 * - Tool results become `tool` messages (with `tool_name`, looked up from the earlier call when the
 *   result lacks it, and `tool_call_id`), placed before the rest of their user turn.
 * - Assistant reasoning goes back as `thinking`; tool-call arguments are sent as objects.
 */
export function toOllamaMessages(req: Pick<ChatRequest, 'system' | 'messages'>): OllamaMessage[] {
  const out: OllamaMessage[] = [];
  const system = req.system.map((p) => p.text).filter((t) => t.length > 0);
  if (system.length > 0) out.push({ role: 'system', content: system.join('\n') });

  const toolNames = new Map<string, string>();
  for (const message of req.messages) {
    for (const part of message.content) if (part.type === 'tool_call') toolNames.set(part.id, part.name);
  }

  for (const message of req.messages) {
    switch (message.role) {
      case 'system': {
        const body = collect(message);
        if (body.texts.length > 0) out.push({ role: 'system', content: body.texts.join('\n') });
        break;
      }
      case 'user': {
        for (const part of message.content) {
          if (part.type === 'tool_result') out.push(toolMessage(part, toolNames));
        }
        const body = collect(message);
        if (body.texts.length > 0 || body.images.length > 0)
          out.push(withBody({ role: 'user', content: '' }, body));
        break;
      }
      case 'assistant': {
        const assistant = assistantMessage(message);
        if (assistant) out.push(assistant);
        break;
      }
    }
  }
  return out;
}

function withBody(message: OllamaMessage, body: Body): OllamaMessage {
  message.content = body.texts.join('\n');
  if (body.images.length > 0) message.images = body.images;
  return message;
}

/** Text, images and documents of a message (other part types are handled by the caller). */
function collect(message: { content: Message['content'] | ToolResultPart['content'] }): Body {
  const body: Body = { texts: [], images: [] };
  for (const part of message.content) {
    if (part.type === 'text') {
      if (part.text.length > 0) body.texts.push(part.text);
    } else if (part.type === 'image') addImage(body, part.source);
    else if (part.type === 'document') addDocument(body, part.source, part.filename ?? part.title);
  }
  return body;
}

/** `data:<mime>[;base64],<payload>` → base64 payload; `undefined` when not a data URL. */
function base64FromDataUrl(url: string): string | undefined {
  const match = /^data:([^,]*),(.*)$/is.exec(url);
  if (!match) return undefined;
  const payload = match[2] ?? '';
  if (/;base64$/i.test(match[1] ?? '')) return payload;
  let decoded: string;
  try {
    decoded = decodeURIComponent(payload);
  } catch {
    decoded = payload;
  }
  return Buffer.from(decoded, 'utf8').toString('base64');
}

function addImage(body: Body, source: ImageSource): void {
  if (source.kind === 'base64') {
    body.images.push(source.data);
    return;
  }
  const inline = base64FromDataUrl(source.url);
  if (inline !== undefined) body.images.push(inline);
  else body.texts.push(`[image: ${source.url}]`);
}

function addDocument(body: Body, source: DocumentSource, label: string | undefined): void {
  switch (source.kind) {
    case 'text':
      if (source.text.length > 0) body.texts.push(source.text);
      return;
    case 'base64':
      if (source.mediaType.startsWith('image/')) body.images.push(source.data);
      else body.texts.push(`[document: ${label ?? source.mediaType}]`);
      return;
    case 'url':
      body.texts.push(`[document: ${source.url}]`);
      return;
    case 'file':
      body.texts.push(`[file: ${source.fileId}]`);
      return;
  }
}

function toolMessage(part: ToolResultPart, toolNames: ReadonlyMap<string, string>): OllamaMessage {
  const message: OllamaMessage = withBody({ role: 'tool', content: '' }, collect(part));
  const name = part.name ?? toolNames.get(part.toolCallId);
  if (name !== undefined) message.tool_name = name;
  message.tool_call_id = part.toolCallId;
  return message;
}

/** Arguments JSON text → object (Ollama's `arguments` is a map); `""` is `{}`, non-objects are wrapped. */
export function toolArguments(argumentsText: string): JsonObject {
  if (argumentsText.trim() === '') return {};
  const parsed = tryParseJson(argumentsText);
  return isRecord(parsed) ? parsed : { raw: argumentsText };
}

function toolCall(part: ToolCallPart): OllamaToolCall {
  const call: OllamaToolCall = { function: { name: part.name, arguments: toolArguments(part.arguments) } };
  if (part.id.length > 0) call.id = part.id;
  return call;
}

function assistantMessage(message: Message): OllamaMessage | undefined {
  const body = collect(message);
  const thinking: string[] = [];
  const calls: OllamaToolCall[] = [];
  for (const part of message.content) {
    if (part.type === 'reasoning' && part.text.length > 0) thinking.push(part.text);
    else if (part.type === 'tool_call') calls.push(toolCall(part));
  }
  if (body.texts.length === 0 && body.images.length === 0 && thinking.length === 0 && calls.length === 0) {
    return undefined;
  }
  const out = withBody({ role: 'assistant', content: '' }, body);
  if (thinking.length > 0) out.thinking = thinking.join('\n');
  if (calls.length > 0) out.tool_calls = calls;
  return out;
}
