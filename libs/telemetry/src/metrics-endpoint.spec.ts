import { METRIC_NAMES, metrics, registry, statusClass } from './metrics';
import { metricsExposureFromEnv, startMetricsServer } from './metrics-endpoint';

describe('metricsExposureFromEnv', () => {
  it('serves on the main port by default', () => {
    expect(metricsExposureFromEnv({})).toEqual({ onMainPort: true });
  });

  it('turns off with OPTSCALE_METRICS=false, and moves to OPTSCALE_METRICS_PORT', () => {
    expect(metricsExposureFromEnv({ OPTSCALE_METRICS: 'false', OPTSCALE_METRICS_PORT: '9464' })).toEqual({
      onMainPort: false,
    });
    expect(metricsExposureFromEnv({ OPTSCALE_METRICS_PORT: '9464' })).toEqual({
      onMainPort: false,
      separate: { host: '127.0.0.1', port: 9464 },
    });
    expect(
      metricsExposureFromEnv({ OPTSCALE_METRICS_PORT: '9464', OPTSCALE_METRICS_HOST: '0.0.0.0' }),
    ).toMatchObject({
      separate: { host: '0.0.0.0' },
    });
  });

  it('names the bad variable, never its value', () => {
    expect(() => metricsExposureFromEnv({ OPTSCALE_METRICS: 'yes' })).toThrow(
      'invalid environment: OPTSCALE_METRICS',
    );
    expect(() => metricsExposureFromEnv({ OPTSCALE_METRICS_PORT: 'http' })).toThrow(
      'invalid environment: OPTSCALE_METRICS_PORT',
    );
  });
});

describe('the metrics registry', () => {
  it('holds every named metric', async () => {
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(Object.values(METRIC_NAMES)));
  });

  it('classes statuses', () => {
    expect([200, 201, 302, 404, 429, 499, 500, 503].map(statusClass)).toEqual([
      '2xx',
      '2xx',
      '3xx',
      '4xx',
      '4xx',
      '4xx',
      '5xx',
      '5xx',
    ]);
  });
});

describe('startMetricsServer', () => {
  it('serves only GET /metrics, in the text exposition format', async () => {
    const server = await startMetricsServer('127.0.0.1', 0);
    try {
      metrics.kafkaConsumerLag.set({ group: 'trace-collector', topic: 'optscale.gateway.requests.v1' }, 42);
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(await res.text()).toContain(
        'optscale_kafka_consumer_lag{group="trace-collector",topic="optscale.gateway.requests.v1"} 42',
      );
      expect((await fetch(`${server.url}/healthz`)).status).toBe(404);
      expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
