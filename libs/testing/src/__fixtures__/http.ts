/** A raw HTTP client for the mock specs: sees exactly what went over the wire, including cut streams. */
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body ended properly (false when the socket died midway). */
  complete: boolean;
  /** Milliseconds from sending the request to the response headers. */
  headersMs: number;
  /** Milliseconds from sending the request to each body chunk. */
  chunkMs: number[];
}

export interface RawInit {
  method?: string;
  headers?: Record<string, string>;
  /** Serialized as JSON unless it is a string. */
  body?: unknown;
}

export function raw(url: string, init: RawInit = {}): Promise<RawResponse> {
  const body =
    init.body === undefined
      ? undefined
      : typeof init.body === 'string'
        ? init.body
        : JSON.stringify(init.body);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: init.method ?? (body === undefined ? 'GET' : 'POST'),
        headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
        agent: false,
      },
      (res) => {
        const headersMs = performance.now() - started;
        const chunks: Buffer[] = [];
        const chunkMs: number[] = [];
        let settled = false;
        const finish = (): void => {
          if (settled) return;
          settled = true;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            complete: res.complete,
            headersMs,
            chunkMs,
          });
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          chunkMs.push(performance.now() - started);
        });
        res.on('end', finish);
        res.on('error', finish);
        res.on('close', finish);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
