import { Agent, errors as undiciErrors, request } from 'undici';
import type { Dispatcher } from 'undici';
import type { UpstreamRequest } from '@optscale/providers';
import { GatewayError } from '../pipeline/gateway-error';

export interface UpstreamClientOptions {
  /** Time to connect, ms. */
  connectTimeoutMs: number;
  /** Time to the response headers, ms (a non-streaming generation can take minutes). */
  headersTimeoutMs: number;
  /** Longest silence between body chunks, ms. */
  bodyTimeoutMs: number;
  /** Keep-alive connections per upstream origin. */
  connectionsPerOrigin: number;
}

export interface UpstreamResponse {
  status: number;
  /** `content-type`, read eagerly: the success path needs nothing else of the headers. */
  contentType: string | undefined;
  /** All headers, flattened on first use (error paths). */
  readonly headers: Record<string, string>;
  body: Dispatcher.ResponseData['body'];
}

/**
 * HTTP to providers through one keep-alive pool per origin (undici). Connection failures and
 * timeouts become gateway errors (502/504); an aborted signal (client went away) rethrows as is.
 */
export class UpstreamClient {
  private readonly agent: Agent;

  constructor(private readonly options: UpstreamClientOptions) {
    this.agent = new Agent({
      connections: options.connectionsPerOrigin,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
    });
  }

  async send(req: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse> {
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        signal,
        dispatcher: this.agent,
      });
      const raw = res.headers;
      let flat: Record<string, string> | undefined;
      const contentType = raw['content-type'];
      return {
        status: res.statusCode,
        contentType: Array.isArray(contentType) ? contentType[0] : contentType,
        get headers() {
          return (flat ??= flattenHeaders(raw));
        },
        body: res.body,
      };
    } catch (err) {
      throw toGatewayError(err, signal);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** Map an undici failure to what the client should see. */
export function toGatewayError(err: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return err;
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError('timeout', 'the provider did not answer in time');
  }
  if (err instanceof undiciErrors.ConnectTimeoutError) {
    return new GatewayError('upstream_unavailable', 'could not connect to the provider in time');
  }
  if (err instanceof GatewayError) return err;
  const code = (err as { code?: string }).code ?? 'error';
  return new GatewayError('upstream_unavailable', `could not reach the provider (${code})`);
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
