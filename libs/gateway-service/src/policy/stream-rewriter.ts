import type { SseFrame } from './sse-frames';
import { SseFrameSplitter } from './sse-frames';
import type { StreamDialect } from './stream-dialects';
import type { Json } from './text-slots';

/** What a channel's guards let out of some text, and whether they stopped the stream. */
export interface PipeResult {
  text: string;
  /** The client-facing reason the stream ends here (names the policy, never the value). */
  blocked?: string;
}

/** The guards of one text channel, in order. */
export interface TextPipe {
  push(text: string): PipeResult;
  /** The channel's text is complete: everything held back. */
  end(): PipeResult;
}

interface Channel {
  pipe: TextPipe;
  open: boolean;
  original: string;
  sent: string;
}

/**
 * Applies output guards to the answer text of a client-dialect SSE stream, chunk by chunk. Events
 * without answer text, and deltas whose text the guards left alone, go out as their very bytes; a
 * changed delta is re-encoded. Text a guard holds back (it could be the start of a match) goes out
 * with the next delta of its channel, or in an added delta just before the event that ends the
 * channel. A block ends the stream with the dialect's in-band error event.
 */
export async function* rewriteStream(
  chunks: AsyncIterable<string | Buffer>,
  dialect: StreamDialect,
  newPipe: () => TextPipe,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const splitter = new SseFrameSplitter();
  const channels = new Map<string, Channel>();
  let blocked = false;

  const texts = {
    changed: (name: string): string | undefined => {
      const ch = channels.get(name);
      return ch !== undefined && ch.sent !== ch.original ? ch.sent : undefined;
    },
  };
  const channel = (name: string): Channel => {
    let ch = channels.get(name);
    if (ch === undefined) {
      ch = { pipe: newPipe(), open: true, original: '', sent: '' };
      channels.set(name, ch);
    } else if (!ch.open) {
      ch.pipe = newPipe();
      ch.open = true;
    }
    return ch;
  };
  const fail = (message: string): string => {
    blocked = true;
    return dialect.error(message);
  };
  /** Closes channels: their held-back text, as added deltas. */
  const close = (names: readonly string[] | 'all'): string => {
    let out = '';
    for (const [name, ch] of channels) {
      if (!ch.open || (names !== 'all' && !names.includes(name))) continue;
      ch.open = false;
      const r = ch.pipe.end();
      if (r.blocked !== undefined) return out + fail(r.blocked);
      if (r.text === '') continue;
      ch.sent += r.text;
      out += dialect.synthDelta(name, r.text);
    }
    return out;
  };
  const handle = (frame: SseFrame): string => {
    const json = parseJson(frame.data);
    const closes = dialect.closes(frame, json);
    const delta = json === undefined ? undefined : dialect.delta(json);
    if (json === undefined || delta === undefined) {
      const out = close(closes);
      return blocked ? out : out + dialect.pass(frame, json, texts);
    }
    const ch = channel(delta.channel);
    ch.original += delta.text;
    const r = ch.pipe.push(delta.text);
    if (r.blocked !== undefined) return fail(r.blocked);
    let text = r.text;
    if (closes === 'all' || closes.includes(delta.channel)) {
      ch.open = false;
      const rest = ch.pipe.end();
      if (rest.blocked !== undefined) return fail(rest.blocked);
      text += rest.text;
    }
    ch.sent += text;
    return text === delta.text ? dialect.pass(frame, json, texts) : dialect.writeDelta(frame, json, text);
  };

  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let out = '';
    for (const frame of splitter.push(text)) {
      out += handle(frame);
      if (blocked) break;
    }
    if (out !== '') yield out;
    // Returning ends the loop over the source, which cancels the provider's stream.
    if (blocked) return;
  }
  let out = '';
  for (const frame of splitter.push(decoder.decode())) {
    out += handle(frame);
    if (blocked) break;
  }
  // A stream cut without its terminator still gets the text held back so far.
  if (!blocked) out += close('all');
  if (!blocked) out += splitter.end();
  if (out !== '') yield out;
}

function parseJson(data: string): Json | undefined {
  const first = data.trimStart()[0];
  if (first !== '{') return undefined;
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Json)
      : undefined;
  } catch {
    return undefined;
  }
}
