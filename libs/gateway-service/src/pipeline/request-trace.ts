import type { IncomingHttpHeaders } from 'node:http';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { tracingActive } from '@optscale/telemetry';
import type { ProviderConnection } from '../config/gateway-state';
import type { RequestContext } from './request-context';

const tracer = trace.getTracer('@optscale/gateway');

/**
 * The spans of one request (OpenTelemetry): a server span whose parent is the client's W3C
 * `traceparent` when it sent one, and children for the stages: `authenticate`, `route`,
 * `policies.input`, one `upstream POST <provider>` per attempt (gen_ai.* semantic conventions),
 * `translate` and `policies.output` (these two last until the answer's last byte is out).
 *
 * Created only when tracing is on (`RequestTrace.start` returns undefined otherwise), so with
 * tracing off a stage pays one `undefined` check. Attributes never hold prompt or response text,
 * keys or credentials: ids, model names, provider names, statuses and token counts only.
 */
export class RequestTrace {
  readonly context: Context;
  private answering: { span: Span; provider: ProviderConnection } | undefined;
  private readonly untilFinish: Span[] = [];

  private constructor(private readonly server: Span) {
    this.context = trace.setSpan(context.active(), server);
  }

  static start(headers: IncomingHttpHeaders, method: string, ctx: RequestContext): RequestTrace | undefined {
    if (!tracingActive()) return undefined;
    const parent = propagation.extract(ROOT_CONTEXT, headers);
    const span = tracer.startSpan(
      `${method} ${ctx.surface} ${ctx.operation}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          'optscale.surface': ctx.surface,
          'optscale.operation': ctx.operation,
          'optscale.request_id': ctx.requestId,
          'optscale.organization_id': ctx.organizationId,
        },
      },
      parent,
    );
    return new RequestTrace(span);
  }

  /** Runs a synchronous stage inside a child span (ended when it returns or throws). */
  stage<R>(name: string, run: () => R): R {
    const span = tracer.startSpan(name, {}, this.context);
    try {
      return run();
    } catch (error) {
      fail(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** A child span that lasts until the request finishes (the answer streams through it). */
  openUntilFinish(name: string): void {
    this.untilFinish.push(tracer.startSpan(name, {}, this.context));
  }

  /** The span of one upstream attempt; end it with `attemptEnded`. */
  attemptStarted(provider: ProviderConnection, model: string, operation: string): Span {
    return tracer.startSpan(
      `upstream POST ${provider.proxyName}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.system': provider.apiType,
          'gen_ai.provider.name': provider.apiType,
          'gen_ai.operation.name': operation === 'responses' ? 'chat' : operation,
          'gen_ai.request.model': model,
          'server.address': hostOf(provider.baseUrl),
          'optscale.provider': provider.proxyName,
        },
      },
      this.context,
    );
  }

  /**
   * An attempt's outcome. The one that answered stays open until the answer is read, so its
   * response model and token usage are known when it ends.
   */
  attemptEnded(span: Span, provider: ProviderConnection, status: number | null, error: string | null): void {
    if (status !== null) span.setAttribute('http.response.status_code', status);
    if (error === null && status !== null && status < 400) {
      this.answering = { span, provider };
      return;
    }
    span.setStatus({ code: SpanStatusCode.ERROR, ...(error === null ? {} : { message: error }) });
    span.end();
  }

  /** Ends every span of the request with what the record stage knows. */
  finish(ctx: RequestContext): void {
    const usage: Attributes = {
      'gen_ai.usage.input_tokens': ctx.usage.inputTokens,
      'gen_ai.usage.output_tokens': ctx.usage.outputTokens,
    };
    if (this.answering !== undefined) {
      const { span } = this.answering;
      if (ctx.upstreamModel !== undefined) span.setAttribute('gen_ai.response.model', ctx.upstreamModel);
      span.setAttributes(usage);
      span.end();
    }
    for (const span of this.untilFinish) span.end();
    const server = this.server;
    server.setAttribute('http.response.status_code', ctx.status);
    if (ctx.provider !== undefined) server.setAttribute('optscale.provider', ctx.provider.proxyName);
    if (ctx.upstreamModel !== undefined) server.setAttribute('gen_ai.request.model', ctx.upstreamModel);
    server.setAttributes(usage);
    if (ctx.errorKind !== undefined) server.setAttribute('error.type', ctx.errorKind);
    if (ctx.status >= 500) server.setStatus({ code: SpanStatusCode.ERROR });
    server.end();
  }

  /** Runs `work` with the request's span active (the record stage: the bus carries its traceparent). */
  within(work: () => void): void {
    context.with(this.context, work);
  }
}

/** Runs a stage in its span when the request is traced, else just runs it. */
export function traced<R>(ctx: RequestContext, name: string, run: () => R): R {
  return ctx.trace === undefined ? run() : ctx.trace.stage(name, run);
}

function fail(span: Span, error: unknown): void {
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).hostname;
  } catch {
    return 'unknown';
  }
}
