import { StringDecoder } from 'node:string_decoder';
import {
  ZERO_USAGE,
  createResponsesStreamDecoder,
  decodeResponsesResponse,
  mergeUsage,
  type StreamDecoder,
  type TranslateContext,
  type Usage,
} from '@optscale/protocol';
import type { FramedChunk } from '@optscale/providers';
import type { ProviderConnection } from '../config/gateway-state';
import type { ClientCodec } from '../transport/client-codecs';
import { UpstreamEventReader } from './stream-pump';

/**
 * Usage of a forwarded (not translated) answer, read by the dialect's own decoder. A body the
 * decoder cannot read leaves usage unknown rather than failing a response that already went out.
 */
export function usageOfPassthroughBody(
  codec: ClientCodec,
  provider: ProviderConnection,
  bytes: Buffer,
  tctx: TranslateContext,
): Usage | undefined {
  try {
    const json: unknown = JSON.parse(bytes.toString('utf8'));
    return codec.name === 'openai-responses'
      ? decodeResponsesResponse(json, tctx).usage
      : provider.adapter.parseChatResponse(json, tctx).usage;
  } catch {
    return undefined;
  }
}

export interface UsageTap {
  push(bytes: Uint8Array): void;
  end(): void;
  usage(): Usage;
}

/** Reads usage off a forwarded stream as it passes, without changing a byte of it. */
export function usageTap(codec: ClientCodec, provider: ProviderConnection, tctx: TranslateContext): UsageTap {
  const decoder: StreamDecoder<FramedChunk> =
    codec.name === 'openai-responses'
      ? createResponsesStreamDecoder(tctx)
      : provider.adapter.createStreamDecoder(tctx);
  const reader = new UpstreamEventReader('sse', decoder);
  let usage: Usage = { ...ZERO_USAGE };
  let broken = false;
  const take = (read: () => ReturnType<UpstreamEventReader['push']>): void => {
    if (broken) return;
    try {
      for (const e of read()) {
        if (e.type === 'usage' || e.type === 'start') usage = mergeUsage(usage, e.usage);
      }
    } catch {
      broken = true;
    }
  };
  return {
    push: (bytes) => take(() => reader.push(bytes)),
    end: () => take(() => reader.end()),
    usage: () => usage,
  };
}

/** The end of an SSE event: a blank line (servers use LF or CRLF). */
const EVENT_END = /\r?\n\r?\n/g;
/** What `include_usage` adds to every other chunk, in the compact JSON OpenAI and most servers send. */
const USAGE_KEY = '"usage"';
const NULL_VALUE = ':null';

/**
 * Takes out of a forwarded Chat Completions stream what `stream_options.include_usage` added for a
 * client that did not ask for it (call-stage.ts `forwardedChatBody`): the usage chunk (`"choices":[]`
 * with a `usage` object, just before `[DONE]`) and the `"usage":null` member of every other chunk.
 * The usage tap reads the upstream bytes, not these, so the request is still priced.
 *
 * Events are cut at their blank line (a chunk may end mid-event; the rest waits for the next one).
 * An event without `"usage"` passes unchanged; the compact `,"usage":null` is cut out of the text
 * without parsing (a `"` after `,` cannot be inside a JSON string, so this is a top-level member);
 * only an event that still mentions usage after that is parsed and re-serialised.
 */
export class StreamUsageStripper {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** The client's text for this upstream chunk (complete events only; may be empty). */
  push(bytes: Buffer): string {
    this.pending += this.decoder.write(bytes);
    let out = '';
    let start = 0;
    EVENT_END.lastIndex = 0;
    for (let m = EVENT_END.exec(this.pending); m !== null; m = EVENT_END.exec(this.pending)) {
      const end = m.index + m[0].length;
      out += stripEvent(this.pending.slice(start, end));
      start = end;
    }
    this.pending = this.pending.slice(start);
    return out;
  }

  /** Whatever is left when the upstream ends (an event without its blank line), stripped alike. */
  end(): string {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest.length > 0 ? stripEvent(rest) : '';
  }
}

/** One SSE event (with its terminating blank line) as the client should see it; '' drops it. */
export function stripEvent(event: string): string {
  const at = event.indexOf(USAGE_KEY);
  if (at < 0) return event;
  const end = at + USAGE_KEY.length + NULL_VALUE.length;
  if (event.startsWith(NULL_VALUE, at + USAGE_KEY.length)) {
    // `,"usage":null` (a `"` right after `,` or `{` is structural, never inside a string), or
    // `{"usage":null,` when it is the first member.
    const before = event[at - 1];
    const text =
      before === ','
        ? event.slice(0, at - 1) + event.slice(end)
        : before === '{' && event[end] === ','
          ? event.slice(0, at) + event.slice(end + 1)
          : undefined;
    if (text !== undefined && !text.includes(USAGE_KEY)) return text;
  }
  return reserialised(event);
}

/** The slow path: an event whose usage is not the compact `null` member (spaces, a usage object). */
function reserialised(event: string): string {
  const lines = event.split(/\r?\n/);
  const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, ''));
  let chunk: unknown;
  try {
    chunk = JSON.parse(data.join('\n'));
  } catch {
    return event;
  }
  if (typeof chunk !== 'object' || chunk === null || Array.isArray(chunk) || !('usage' in chunk))
    return event;
  const { usage, ...rest } = chunk as Record<string, unknown>;
  const choices = rest['choices'];
  // The usage chunk itself: nothing else in it is for the client.
  if (usage !== null && Array.isArray(choices) && choices.length === 0) return '';
  const others = lines.filter((l) => l.length > 0 && !l.startsWith('data:'));
  const newline = event.includes('\r\n') ? '\r\n' : '\n';
  return [...others, `data: ${JSON.stringify(rest)}`, '', ''].join(newline);
}
