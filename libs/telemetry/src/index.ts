export * from './metrics';
export * from './metrics-endpoint';
export * from './tracing';
/** For tests that assert on spans: `startTracing({ serviceName, exporter: new InMemorySpanExporter() })`. */
export { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
