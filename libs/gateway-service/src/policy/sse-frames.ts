/** One SSE event as sent: its exact text (to pass on unchanged), its name and its data. */
export interface SseFrame {
  raw: string;
  event?: string;
  data: string;
}

/**
 * Splits client-dialect SSE text into whole events, keeping each event's bytes so an event the
 * policies leave alone goes out exactly as it came. Events end at a blank line (LF or CRLF).
 */
export class SseFrameSplitter {
  private buffer = '';

  push(text: string): SseFrame[] {
    this.buffer += text;
    const out: SseFrame[] = [];
    const boundary = /\r?\n\r?\n/g;
    let start = 0;
    for (let m = boundary.exec(this.buffer); m !== null; m = boundary.exec(this.buffer)) {
      const end = m.index + m[0].length;
      out.push(parseFrame(this.buffer.slice(start, end)));
      start = end;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  /** What is left when the stream ends (an event without its blank line), as is. */
  end(): string {
    const rest = this.buffer;
    this.buffer = '';
    return rest;
  }
}

function parseFrame(raw: string): SseFrame {
  const frame: SseFrame = { raw, data: '' };
  const data: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const field = line.slice(0, colon);
    const value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    if (field === 'data') data.push(value);
    else if (field === 'event') frame.event = value;
  }
  frame.data = data.join('\n');
  return frame;
}

/** Serialize one SSE event the way the gateway's encoders do. */
export function sseText(data: unknown, event?: string): string {
  const json = JSON.stringify(data);
  return event === undefined ? `data: ${json}\n\n` : `event: ${event}\ndata: ${json}\n\n`;
}
