import { encodeAnthropicError, encodeOpenAIError } from '@optscale/protocol';
import type { SseFrame } from './sse-frames';
import { sseText } from './sse-frames';
import type { BodyDialect, Json } from './text-slots';

/** What the rewriter knows of each text channel's output so far. */
export interface ChannelTexts {
  /** The text sent to the client on a channel whose text the policies changed, else undefined. */
  changed(channel: string): string | undefined;
}

/**
 * How one client dialect carries answer text in its stream. A channel is one text being streamed
 * (a choice, a content block, an output part); each gets its own guards.
 */
export interface StreamDialect {
  /** The text delta an event carries, if any. */
  delta(json: Json): { channel: string; text: string } | undefined;
  /** The delta event with other text; only events whose text changed are re-encoded. */
  writeDelta(frame: SseFrame, json: Json, text: string): string;
  /** A new delta event on a channel, modelled on its last one, carrying text held back so far. */
  synthDelta(channel: string, text: string): string;
  /** Channels whose text ends with this event (held-back text must go out before it). */
  closes(frame: SseFrame, json: Json | undefined): readonly string[] | 'all';
  /** Any other event, possibly rewritten (Responses repeats the full text in its `done` events). */
  pass(frame: SseFrame, json: Json | undefined, texts: ChannelTexts): string;
  /** The in-band error that ends a stream a policy blocked, and the stream's terminator. */
  error(message: string): string;
}

/** An index or id as part of a channel name; absent means the first. */
const idPart = (v: unknown): string => (typeof v === 'number' || typeof v === 'string' ? String(v) : '0');

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenAI Chat and Cursor: `choices[i].delta.content`; a chunk carries one choice in practice. */
class ChatStream implements StreamDialect {
  private readonly last = new Map<string, Json>();

  delta(json: Json): { channel: string; text: string } | undefined {
    const choice = firstChoice(json);
    const content = isObject(choice?.['delta']) ? choice['delta']['content'] : undefined;
    if (choice === undefined || typeof content !== 'string') return undefined;
    const channel = `choice:${idPart(choice['index'])}`;
    this.last.set(channel, json);
    return { channel, text: content };
  }

  writeDelta(_frame: SseFrame, json: Json, text: string): string {
    return sseText(withContent(json, text));
  }

  synthDelta(channel: string, text: string): string {
    const model = this.last.get(channel);
    if (model === undefined) return '';
    const out = withContent(model, text);
    const choice = firstChoice(out);
    if (choice) {
      choice['finish_reason'] = null;
      const delta = choice['delta'] as Json;
      // Only the text: a role or tool call of the model chunk must not be repeated.
      choice['delta'] = { content: delta['content'] };
    }
    return sseText(out);
  }

  closes(frame: SseFrame, json: Json | undefined): readonly string[] | 'all' {
    if (frame.data.trim() === '[DONE]' || (json !== undefined && isObject(json['error']))) return 'all';
    const choice = json === undefined ? undefined : firstChoice(json);
    if (choice === undefined) return [];
    const delta = isObject(choice['delta']) ? choice['delta'] : {};
    const ends = (choice['finish_reason'] ?? null) !== null || delta['tool_calls'] !== undefined;
    return ends ? [`choice:${idPart(choice['index'])}`] : [];
  }

  pass(frame: SseFrame): string {
    return frame.raw;
  }

  error(message: string): string {
    return sseText(encodeOpenAIError(400, message, { code: 'policy_violation' })) + 'data: [DONE]\n\n';
  }
}

function firstChoice(json: Json): Json | undefined {
  const choices = json['choices'];
  return Array.isArray(choices) && isObject(choices[0]) ? choices[0] : undefined;
}

function withContent(json: Json, text: string): Json {
  const out = structuredClone(json);
  const choice = firstChoice(out);
  if (choice && isObject(choice['delta'])) choice['delta']['content'] = text;
  return out;
}

/** Anthropic Messages: `content_block_delta` events with a `text_delta`. */
class AnthropicStream implements StreamDialect {
  private readonly last = new Map<string, Json>();

  delta(json: Json): { channel: string; text: string } | undefined {
    if (json['type'] !== 'content_block_delta') return undefined;
    const delta = json['delta'];
    if (!isObject(delta) || delta['type'] !== 'text_delta' || typeof delta['text'] !== 'string')
      return undefined;
    const channel = `block:${idPart(json['index'])}`;
    this.last.set(channel, json);
    return { channel, text: delta['text'] };
  }

  writeDelta(frame: SseFrame, json: Json, text: string): string {
    return sseText(
      { ...json, delta: { ...(json['delta'] as Json), text } },
      frame.event ?? 'content_block_delta',
    );
  }

  synthDelta(channel: string, text: string): string {
    const model = this.last.get(channel);
    return model === undefined
      ? ''
      : sseText({ ...model, delta: { type: 'text_delta', text } }, 'content_block_delta');
  }

  closes(_frame: SseFrame, json: Json | undefined): readonly string[] | 'all' {
    const type = json?.['type'];
    if (type === 'content_block_stop') return [`block:${idPart(json?.['index'])}`];
    return type === 'message_delta' || type === 'message_stop' || type === 'error' ? 'all' : [];
  }

  pass(frame: SseFrame): string {
    return frame.raw;
  }

  error(message: string): string {
    const body = encodeAnthropicError(400, message, { type: 'invalid_request_error', requestId: null });
    // The stream's error event carries no request id (Anthropic's own do not).
    return sseText({ type: 'error', error: body.error }, 'error');
  }
}

/**
 * OpenAI Responses: `response.output_text.delta`. Its `done` events and the final response repeat
 * the whole text, so they are rewritten to what the client was actually sent; an added delta event
 * shifts the `sequence_number` of every later event by one.
 */
class ResponsesStream implements StreamDialect {
  private readonly last = new Map<string, Json>();
  private shift = 0;
  private lastSequence = -1;

  delta(json: Json): { channel: string; text: string } | undefined {
    if (json['type'] !== 'response.output_text.delta' || typeof json['delta'] !== 'string') return undefined;
    const channel = responsesChannel(json['item_id'], json['content_index']);
    this.last.set(channel, json);
    return { channel, text: json['delta'] };
  }

  writeDelta(frame: SseFrame, json: Json, text: string): string {
    return sseText(this.renumber({ ...json, delta: text }), frame.event ?? 'response.output_text.delta');
  }

  synthDelta(channel: string, text: string): string {
    const model = this.last.get(channel);
    if (model === undefined) return '';
    this.shift += 1;
    this.lastSequence += 1;
    return sseText(
      { ...model, delta: text, sequence_number: this.lastSequence },
      'response.output_text.delta',
    );
  }

  closes(_frame: SseFrame, json: Json | undefined): readonly string[] | 'all' {
    const type = json?.['type'];
    if (type === 'response.output_text.done')
      return [responsesChannel(json?.['item_id'], json?.['content_index'])];
    if (type === 'response.output_text.delta' || type === undefined) return [];
    return typeof type === 'string' &&
      /^response\.(content_part|output_item)\.done|^response\.(completed|incomplete|failed)|^error$/.test(
        type,
      )
      ? 'all'
      : [];
  }

  pass(frame: SseFrame, json: Json | undefined, texts: ChannelTexts): string {
    if (json === undefined) return frame.raw;
    const rewritten = rewriteFullTexts(json, texts);
    if (!rewritten && this.shift === 0) {
      this.noteSequence(json);
      return frame.raw;
    }
    return sseText(this.renumber(json), frame.event);
  }

  error(message: string): string {
    this.lastSequence += 1;
    return sseText(
      { type: 'error', code: 'policy_violation', message, param: null, sequence_number: this.lastSequence },
      'error',
    );
  }

  private noteSequence(json: Json): void {
    if (typeof json['sequence_number'] === 'number') this.lastSequence = json['sequence_number'];
  }

  private renumber(json: Json): Json {
    const seq = json['sequence_number'];
    if (typeof seq !== 'number') return json;
    this.lastSequence = seq + this.shift;
    return { ...json, sequence_number: this.lastSequence };
  }
}

const responsesChannel = (itemId: unknown, contentIndex: unknown): string =>
  `${idPart(itemId)}:${idPart(contentIndex)}`;

/** Puts the sent text into every full-text copy an event carries; true when something changed. */
function rewriteFullTexts(json: Json, texts: ChannelTexts): boolean {
  let changed = false;
  const put = (holder: Json, itemId: unknown, contentIndex: unknown, field: string): void => {
    const sent = texts.changed(responsesChannel(itemId, contentIndex));
    if (sent !== undefined && typeof holder[field] === 'string') {
      holder[field] = sent;
      changed = true;
    }
  };
  const item = (it: unknown): void => {
    if (!isObject(it) || !Array.isArray(it['content'])) return;
    it['content'].forEach((part, i) => {
      if (isObject(part) && part['type'] === 'output_text') put(part, it['id'], i, 'text');
    });
  };
  switch (json['type']) {
    case 'response.output_text.done':
      put(json, json['item_id'], json['content_index'], 'text');
      break;
    case 'response.content_part.done':
      if (isObject(json['part'])) put(json['part'], json['item_id'], json['content_index'], 'text');
      break;
    case 'response.output_item.done':
      item(json['item']);
      break;
    default:
      if (isObject(json['response']) && Array.isArray(json['response']['output']))
        json['response']['output'].forEach(item);
  }
  return changed;
}

export function streamDialect(dialect: BodyDialect): StreamDialect {
  switch (dialect) {
    case 'openai-chat':
    case 'cursor':
      return new ChatStream();
    case 'anthropic':
      return new AnthropicStream();
    case 'openai-responses':
      return new ResponsesStream();
  }
}
