/** What a handler produces; the transport writes it. Handlers never touch sockets. */
export type Outcome =
  | { kind: 'body'; status: number; headers: Record<string, string>; body: string | Buffer }
  | {
      kind: 'stream';
      status: number;
      headers: Record<string, string>;
      /** Client wire text, chunk by chunk. Ends when the stream is complete. */
      chunks: AsyncIterable<string | Buffer>;
    };

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // Tell reverse proxies (nginx ingress) not to buffer the stream.
  'x-accel-buffering': 'no',
} as const;

export function jsonOutcome(status: number, body: unknown, headers: Record<string, string> = {}): Outcome {
  return { kind: 'body', status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** Upstream headers a client may rely on to back off; everything else of the provider stays private. */
export function retryHeaders(upstream: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['retry-after', 'retry-after-ms', 'x-should-retry']) {
    const value = upstream[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
