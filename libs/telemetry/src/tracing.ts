import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  /** `service.name` of every span (`OTEL_SERVICE_NAME` overrides it), e.g. `optscale-gateway`. */
  serviceName: string;
  env?: NodeJS.ProcessEnv;
  /** Export here, synchronously, whatever the environment says (tests: an in-memory exporter). */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** False: no exporter configured, nothing registered; spans are the API's no-ops. */
  readonly enabled: boolean;
  /** Flushes pending spans and unregisters the provider (shutdown, and between tests). */
  shutdown(): Promise<void>;
}

let active: NodeTracerProvider | undefined;

/**
 * Whether a tracer provider is registered. Hot paths (the gateway's per-request spans) ask this
 * first, so with tracing off they create nothing at all.
 */
export function tracingActive(): boolean {
  return active !== undefined;
}

/**
 * Starts OpenTelemetry tracing for this process when an OTLP endpoint is configured
 * (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`; OTLP over
 * HTTP/protobuf-JSON, batched), unless `OTEL_SDK_DISABLED=true`. Otherwise it registers nothing
 * and tracing costs next to nothing: the API hands out non-recording spans and `tracingActive()`
 * is false.
 *
 * Registering sets the W3C trace-context propagator (`traceparent`, `tracestate`) and an
 * AsyncLocalStorage context manager, so the active span follows async calls, the bus puts it in
 * Kafka headers and consumers continue it. There is no automatic instrumentation: the spans are the
 * ones the services open themselves (the gateway's request tree, the bus's consumer spans).
 *
 * Our trace context is never sent to LLM providers: the upstream client builds its own headers and
 * does not forward `traceparent`/`tracestate` (a third party learns nothing of our traces).
 */
export function startTracing(options: TracingOptions): Tracing {
  const env = options.env ?? process.env;
  const url = otlpTracesUrl(env);
  if (active !== undefined) throw new Error('tracing is already started in this process');
  if (options.exporter === undefined && (url === undefined || env['OTEL_SDK_DISABLED'] === 'true')) {
    return { enabled: false, shutdown: () => Promise.resolve() };
  }
  const processor =
    options.exporter !== undefined
      ? new SimpleSpanProcessor(options.exporter)
      : new BatchSpanProcessor(new OTLPTraceExporter({ url }));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env['OTEL_SERVICE_NAME'] ?? options.serviceName,
    }),
    spanProcessors: [processor],
  });
  provider.register();
  active = provider;
  return {
    enabled: true,
    shutdown: async () => {
      if (active !== provider) return;
      active = undefined;
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** The OTLP/HTTP traces URL the environment names, or undefined. */
export function otlpTracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  if (traces !== undefined && traces !== '') return traces;
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (base === undefined || base === '') return undefined;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}
