import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { destroyAfterFlush } from './stream';

/** Sends a complete JSON body with an exact content-length. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders,
): void {
  sendText(res, status, JSON.stringify(body), headers);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: OutgoingHttpHeaders,
): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A non-streamed answer that dies midway: the headers promise the full body, half of it arrives. */
export function sendJsonThenDie(res: ServerResponse, body: unknown, headers: OutgoingHttpHeaders): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(text) });
  destroyAfterFlush(res, text.slice(0, Math.floor(text.length / 2)));
}

/** First value of a request header. */
export function header(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = header(headers, 'authorization');
  if (!auth) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(auth);
  return match?.[1]?.trim();
}
