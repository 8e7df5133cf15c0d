import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Script } from './scenario';

/**
 * One piece of a streamed body. `content` frames carry scripted output (text, reasoning or argument
 * pieces): they are counted for `afterChunks` and paced by the scenario delays. `struct` frames
 * (preambles, block starts/stops) go out with the next content frame; `tail` frames (finish,
 * usage, terminators) are never sent when a stream is cut.
 */
export interface Frame {
  kind: 'struct' | 'content' | 'tail';
  text: string;
}

export const struct = (text: string): Frame => ({ kind: 'struct', text });
export const content = (text: string): Frame => ({ kind: 'content', text });
export const tail = (text: string): Frame => ({ kind: 'tail', text });

/**
 * Writes the frames of a stream whose headers have been written with `writeHead`. Without delays
 * the whole body goes out in one write (the benchmark baseline must be cheap). A `die` cut flushes
 * what was sent and destroys the socket (no terminator); an `error` cut appends `errorFrame(number of frames written)`.
 */
export async function playStream(
  res: ServerResponse,
  frames: readonly Frame[],
  script: Pick<Script, 'firstDelayMs' | 'delayMs' | 'cut'>,
  errorFrame: (framesWritten: number) => string,
  signal: AbortSignal,
): Promise<void> {
  const cut = script.cut;
  let buffer = '';
  let sent = 0;
  let written = 0;
  for (const frame of frames) {
    if (cut) {
      if (frame.kind === 'tail') break;
      if (frame.kind === 'content' && sent === cut.afterChunks) break;
    }
    if (frame.kind === 'content') {
      const delay = sent === 0 ? script.firstDelayMs : script.delayMs;
      if (delay > 0) {
        if (buffer.length > 0) res.write(buffer);
        else res.flushHeaders();
        buffer = '';
        await sleep(delay, undefined, { signal });
        if (res.destroyed) return;
      }
      sent++;
    }
    buffer += frame.text;
    written++;
  }
  if (cut?.mode === 'die') {
    destroyAfterFlush(res, buffer);
    return;
  }
  if (cut?.mode === 'error') buffer += errorFrame(written);
  res.end(buffer);
}

/** Writes `text` (and the headers, if still pending), waits until it is flushed, then kills the socket. */
export function destroyAfterFlush(res: ServerResponse, text: string): void {
  res.flushHeaders();
  if (text.length === 0) {
    setImmediate(() => res.destroy());
    return;
  }
  res.write(text, () => res.destroy());
}

/** How long a non-streamed answer takes: the first-piece delay plus the delay between pieces. */
export function generationDelayMs(script: Script): number {
  const pieces = script.reasoningPieces.length + script.textPieces.length;
  return script.firstDelayMs + script.delayMs * Math.max(0, pieces - 1);
}

/** Sleeps unless `ms` is 0; rejects when the server is closing. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms > 0) await sleep(ms, undefined, { signal });
}
