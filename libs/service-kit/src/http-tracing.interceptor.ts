import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { tracingActive } from '@optscale/telemetry';
import { Observable } from 'rxjs';

const tracer = trace.getTracer('@optscale/service-kit');

/** The request fields used here (Fastify's request), so this library needs no HTTP adapter. */
interface TracedRequest {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Fastify: the route's template (`/api/v1/organizations/:organizationId/keys`), bounded. */
  routeOptions?: { url?: string };
}

/** Probes and scrapes: frequent, uninteresting, left out of traces. */
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One server span per Nest HTTP request (the admin API of every service, the embedded platform's
 * included; the gateway's proxy routes have their own, see gateway-service `RequestTrace`). Its
 * parent is the caller's W3C `traceparent`; the handler runs with it active, so a config snapshot
 * the handler publishes carries the request's trace to Kafka. Named by method and route template,
 * never the concrete URL (no ids in span names). Does nothing while tracing is off.
 */
@Injectable()
export class HttpTracingInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!tracingActive() || execution.getType() !== 'http') return next.handle();
    const request = execution.switchToHttp().getRequest<TracedRequest>();
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (UNTRACED.has(path)) return next.handle();
    const method = request.method ?? 'GET';
    const route = request.routeOptions?.url ?? path;
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      `${method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    return new Observable((subscriber) =>
      context.with(active, () =>
        next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            const status = (error as { getStatus?: () => number }).getStatus?.() ?? 500;
            span.setAttribute('http.response.status_code', status);
            if (status >= 500)
              span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
            span.end();
            subscriber.error(error);
          },
          complete: () => {
            span.end();
            subscriber.complete();
          },
        }),
      ),
    );
  }
}
