import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { anthropicDialect } from './anthropic';
import type { Dialect, MockContext, MockRequest } from './dialect';
import { geminiDialect } from './gemini';
import { ollamaDialect } from './ollama';
import { openaiDialect } from './openai';
import { azureDialect } from './azure';
import { DEFAULT_SCENARIO } from './scenario';
import type { MockKind, MockProvider, MockProviderOptions, ReceivedRequest, Scenario } from './types';

const DIALECTS = {
  openai: openaiDialect,
  azure: azureDialect,
  anthropic: anthropicDialect,
  gemini: geminiDialect,
  ollama: ollamaDialect,
} as const satisfies Record<MockKind, Dialect>;

/** How many received requests are kept (benchmarks must not grow memory). */
const MAX_RECORDED = 1000;

class MockServer implements MockProvider, MockContext {
  readonly received: ReceivedRequest[] = [];
  models: string[];
  url = '';
  port = 0;
  private readonly queue: Scenario[] = [];
  private fallback: Scenario = DEFAULT_SCENARIO;
  private readonly initialModels: readonly string[];
  private readonly record: boolean;
  private readonly closing = new AbortController();
  private readonly server: Server;

  constructor(
    readonly kind: MockKind,
    private readonly dialect: Dialect,
    private readonly options: MockProviderOptions,
  ) {
    this.initialModels = options.models ?? dialect.defaultModels;
    this.models = [...this.initialModels];
    this.record = options.record ?? true;
    this.server = createServer({ noDelay: true, keepAlive: true }, (req, res) => this.onRequest(req, res));
    // Outlive client keep-alive pools so pooled sockets are not closed under a request.
    this.server.keepAliveTimeout = 65_000;
  }

  get apiKey(): string | undefined {
    return this.options.apiKey;
  }

  get signal(): AbortSignal {
    return this.closing.signal;
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    const urlHost =
      host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.url = `http://${urlHost}:${this.port}${this.dialect.basePath}`;
  }

  enqueue(...scenarios: Scenario[]): void {
    this.queue.push(...scenarios);
  }

  setDefault(s: Scenario): void {
    this.fallback = s;
  }

  nextScenario(): Scenario {
    return this.queue.shift() ?? this.fallback;
  }

  reset(): void {
    this.queue.length = 0;
    this.received.length = 0;
    this.fallback = DEFAULT_SCENARIO;
    this.models = [...this.initialModels];
  }

  async close(): Promise<void> {
    this.closing.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const first = chunks[0];
      const body =
        chunks.length === 1 && first ? first.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      this.dispatch(req, res, body, startedAt);
    });
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, body: string, startedAt: number): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let json: unknown = undefined;
    let jsonError = false;
    if (body.length > 0) {
      try {
        json = JSON.parse(body) as unknown;
      } catch {
        jsonError = true;
      }
    }
    if (this.record) {
      const entry: ReceivedRequest = { method: req.method ?? 'GET', path: url, headers: req.headers, body };
      if (json !== undefined) entry.json = json;
      if (this.received.length >= MAX_RECORDED) this.received.shift();
      this.received.push(entry);
    }
    const request: MockRequest = {
      method: req.method ?? 'GET',
      pathname: q < 0 ? url : url.slice(0, q),
      query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
      headers: req.headers,
      body,
      json,
      jsonError,
      startedAt,
    };
    try {
      const pending = this.dialect.handle(request, res, this);
      if (pending) pending.catch((error: unknown) => this.fail(res, error));
    } catch (error) {
      this.fail(res, error);
    }
  }

  /** A handler threw (a bug in the mock) or a wait was aborted by `close()`. */
  private fail(res: ServerResponse, error: unknown): void {
    if (res.headersSent || this.closing.signal.aborted) {
      res.destroy();
      return;
    }
    const text = `mock ${this.kind} failed: ${error instanceof Error ? error.message : String(error)}`;
    res.writeHead(500, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

/** Starts a wire-faithful mock of a provider API on `host:port` (default 127.0.0.1, a free port). */
export async function startMockProvider(
  kind: MockKind,
  opts: MockProviderOptions = {},
): Promise<MockProvider> {
  const server = new MockServer(kind, DIALECTS[kind], opts);
  await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return server;
}
