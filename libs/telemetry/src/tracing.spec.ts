import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { otlpTracesUrl, startTracing, tracingActive } from './tracing';

describe('startTracing', () => {
  it('registers nothing without an OTLP endpoint: tracing stays off', async () => {
    const tracing = startTracing({ serviceName: 'test', env: {} });
    expect(tracing.enabled).toBe(false);
    expect(tracingActive()).toBe(false);
    expect(trace.getTracer('t').startSpan('x').isRecording()).toBe(false);
    await tracing.shutdown();
  });

  it('stays off when the SDK is disabled, endpoint or not', () => {
    const tracing = startTracing({
      serviceName: 'test',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' },
    });
    expect(tracing.enabled).toBe(false);
  });

  it('records spans with the service name while started, and stops cleanly', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ serviceName: 'optscale-test', env: {}, exporter });
    expect(tracingActive()).toBe(true);
    expect(() => startTracing({ serviceName: 'again', env: {}, exporter })).toThrow('already started');
    trace.getTracer('t').startSpan('work').end();
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('work');
    expect(span?.resource.attributes['service.name']).toBe('optscale-test');
    await tracing.shutdown();
    expect(tracingActive()).toBe(false);
    expect(trace.getTracer('t').startSpan('x').isRecording()).toBe(false);
  });
});

describe('otlpTracesUrl', () => {
  it('prefers the traces endpoint, else appends /v1/traces to the base endpoint', () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(
      otlpTracesUrl({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
      }),
    ).toBe('http://traces:4318/custom');
  });
});
