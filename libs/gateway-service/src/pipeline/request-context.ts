import type { IncomingHttpHeaders } from 'node:http';
import { ZERO_USAGE, type Usage } from '@optscale/protocol';
import type { PolicyEvaluation, RequestEvent, RequestOperation, RequestSurface } from '@optscale/contracts';
import type { KeyRecord, ProviderConnection } from '../config/gateway-state';
import type { ContentRecorder } from '../record/content-log';
import type { RequestTrace } from './request-trace';

/** Monotonic milliseconds. */
export const clock = (): number => performance.now();

/**
 * Everything known about one request as it moves through the stages. Stages fill it in; the record
 * stage turns it into the request event.
 */
export class RequestContext {
  readonly startedAt = clock();
  readonly startedAtMs = Date.now();
  /** Aborted when the client disconnects: cancels the upstream call. */
  readonly abort = new AbortController();

  key?: KeyRecord;
  clientModel?: string;
  /** A session id found in the body (Claude Code's metadata.user_id) when no header named one. */
  bodySessionId?: string;
  provider?: ProviderConnection;
  upstreamModel?: string;
  stream = false;
  passthrough = false;
  status = 200;
  errorKind?: string;
  errorMessage?: string;
  usage: Usage = { ...ZERO_USAGE };
  /** Policies that applied, as the policy stage evaluated (or bypassed) them. */
  policies?: PolicyEvaluation[];
  /** The client's body as received, kept (not copied) for content logging. */
  requestBody?: Buffer;
  /** What the client was sent, when its organization logs content (set by the transport). */
  responseContent?: ContentRecorder;
  /** The routing rule that placed the request and every try it made; unset when no rule matched. */
  routing?: NonNullable<RequestEvent['routing']>;

  /** The request's spans; undefined when tracing is off. */
  trace?: RequestTrace;

  /** When the upstream request was dispatched / its headers arrived / the first byte went out. */
  upstreamSentAt?: number;
  upstreamHeadersAt?: number;
  firstByteAt?: number;
  finishedAt?: number;

  constructor(
    readonly requestId: string,
    readonly surface: RequestSurface,
    readonly operation: RequestOperation,
    readonly organizationId: string,
    readonly headers: IncomingHttpHeaders,
  ) {}

  header(name: string): string | undefined {
    const v = this.headers[name];
    return Array.isArray(v) ? v[0] : v;
  }

  /** Time spent in the gateway so far, excluding the wait for the provider's response headers. */
  gatewayMs(now = clock()): number {
    const waited =
      this.upstreamSentAt !== undefined ? (this.upstreamHeadersAt ?? now) - this.upstreamSentAt : 0;
    return now - this.startedAt - waited;
  }
}
