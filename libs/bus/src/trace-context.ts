import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Topic } from '@optscale/contracts';
import type { MessageHeaders } from './bus';

/**
 * W3C trace context across the bus. Producers carry the active span's `traceparent` (and
 * `tracestate`) in the message headers; consumers continue the trace from them. Both go through the
 * global OpenTelemetry API: without a registered tracer provider and propagator (tracing off, see
 * @optscale/telemetry `startTracing`) injecting adds nothing and the consumer span is a no-op, so the
 * cost is a couple of function calls per message.
 */
const tracer = trace.getTracer('@optscale/bus');

/**
 * The headers to send: the given ones, plus the active trace context unless the caller already set a
 * `traceparent` (a producer replaying a spooled event passes the one captured when it was recorded).
 */
export function withTraceContext(headers: MessageHeaders): MessageHeaders {
  if (headers['traceparent'] !== undefined) return headers;
  const carrier: MessageHeaders = { ...headers };
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * Runs a consumer's handler for one message inside a `<topic> process` consumer span whose parent is
 * the producer's context from the headers (a message without one starts a new trace), so spans the
 * handler opens, and messages it publishes, belong to the producer's trace.
 */
export async function inMessageContext(
  topic: Topic,
  headers: MessageHeaders,
  handle: () => void | Promise<void>,
): Promise<void> {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer.startSpan(
    `${topic} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
      },
    },
    parent,
  );
  try {
    await context.with(trace.setSpan(parent, span), handle);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}
