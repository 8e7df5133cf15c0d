import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request exactly as a CLI sent it, before the gateway saw it. */
export interface ClientRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json?: unknown;
}

export interface RecordingProxy {
  /** `http://127.0.0.1:<port>`: use it in place of the gateway's origin. */
  url: string;
  received: ClientRequest[];
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function shut(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

/**
 * A transparent reverse proxy in front of the gateway that records what the CLI itself sent, so a
 * test can compare it with what reached the provider mock ("forwarded unchanged"). Bodies and
 * streamed responses pass through byte for byte.
 */
export async function startRecordingProxy(targetOrigin: string): Promise<RecordingProxy> {
  const target = new URL(targetOrigin);
  const received: ClientRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      const entry: ClientRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body,
      };
      try {
        if (body) entry.json = JSON.parse(body) as unknown;
      } catch {
        // Not JSON.
      }
      received.push(entry);
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', (error) => {
        if (res.headersSent) res.destroy();
        else res.writeHead(502, { 'content-type': 'text/plain' }).end(`recording proxy: ${error.message}`);
      });
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      upstream.end(raw);
    });
  });
  const url = await listen(server);
  return { url, received, close: () => shut(server) };
}

export interface RefusingProxy {
  url: string;
  /** `CONNECT host:port` targets and absolute URLs the CLI tried to reach through the proxy. */
  attempts: string[];
  close(): Promise<void>;
}

/**
 * An HTTP(S) forward proxy that refuses everything and records the attempt: given to the CLIs as
 * HTTP(S)_PROXY so the tests prove they work without the internet, and a failure message can say
 * which outside host a CLI wanted.
 */
export async function startRefusingProxy(): Promise<RefusingProxy> {
  const attempts: string[] = [];
  const server = createServer((req, res) => {
    attempts.push(`${req.method ?? 'GET'} ${req.url ?? ''}`);
    req.resume();
    res.writeHead(502, { 'content-type': 'text/plain' }).end('offline test: outside traffic is refused');
  });
  server.on('connect', (req, socket) => {
    attempts.push(`CONNECT ${req.url ?? ''}`);
    socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
  });
  const url = await listen(server);
  return { url, attempts, close: () => shut(server) };
}
