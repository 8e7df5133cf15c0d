import { NdjsonSplitter, SseParser, type StreamDecoder, type StreamEvent } from '@optscale/protocol';
import type { FramedChunk, StreamFraming } from '@optscale/providers';

/**
 * Turns upstream body bytes into canonical events, incrementally: bytes → text (UTF-8 sequences
 * split across reads are kept whole) → frames (SSE events or NDJSON lines) → decoder.
 */
export class UpstreamEventReader {
  private readonly text = new TextDecoder();
  private readonly sse?: SseParser;
  private readonly ndjson?: NdjsonSplitter;

  constructor(
    framing: StreamFraming,
    private readonly decoder: StreamDecoder<FramedChunk>,
  ) {
    if (framing === 'sse') this.sse = new SseParser();
    else this.ndjson = new NdjsonSplitter();
  }

  push(bytes: Uint8Array): StreamEvent[] {
    return this.decodeFrames(this.frame(this.text.decode(bytes, { stream: true })));
  }

  end(): StreamEvent[] {
    const tail = this.text.decode();
    const frames = [...this.frame(tail), ...this.endFrames()];
    return [...this.decodeFrames(frames), ...this.decoder.end()];
  }

  private frame(text: string): FramedChunk[] {
    if (text.length === 0) return [];
    if (this.sse) return this.sse.push(text);
    return this.ndjson ? this.ndjson.push(text).map((data) => ({ data })) : [];
  }

  private endFrames(): FramedChunk[] {
    if (this.sse) return this.sse.end();
    return this.ndjson ? this.ndjson.end().map((data) => ({ data })) : [];
  }

  private decodeFrames(frames: FramedChunk[]): StreamEvent[] {
    if (frames.length === 0) return [];
    const out: StreamEvent[] = [];
    for (const frame of frames) for (const event of this.decoder.push(frame)) out.push(event);
    return out;
  }
}
