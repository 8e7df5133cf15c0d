import { createServer, type Server } from 'node:http';
import { registry } from './metrics';

/**
 * Where a process serves `GET /metrics` (Prometheus text exposition format).
 *
 * Default: on the service's own port, without authentication, like `/healthz`: Prometheus scrapes
 * it in-cluster, and its label values are provider proxy names, model ids, surfaces and status
 * classes, never an organization, user or key, so it leaks no tenant data. Operators who do not
 * want it on a public port (the gateway's) either turn it off (`OPTSCALE_METRICS=false`) or move it
 * to a port of its own (`OPTSCALE_METRICS_PORT`, bound to `OPTSCALE_METRICS_HOST`, default
 * 127.0.0.1), which the public listener then does not serve.
 */
export interface MetricsExposure {
  /** Serve `/metrics` on the service's main HTTP port. */
  onMainPort: boolean;
  /** Serve it on this separate port instead (a plain node:http listener). */
  separate?: { host: string; port: number };
}

/** Reads `OPTSCALE_METRICS`, `OPTSCALE_METRICS_PORT` and `OPTSCALE_METRICS_HOST`; a bad value fails naming the variable. */
export function metricsExposureFromEnv(env: NodeJS.ProcessEnv = process.env): MetricsExposure {
  const enabled = env['OPTSCALE_METRICS'] ?? 'true';
  if (enabled !== 'true' && enabled !== 'false') throw new Error('invalid environment: OPTSCALE_METRICS');
  if (enabled === 'false') return { onMainPort: false };
  const port = env['OPTSCALE_METRICS_PORT'];
  if (port === undefined || port === '') return { onMainPort: true };
  const parsed = Number(port);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535)
    throw new Error('invalid environment: OPTSCALE_METRICS_PORT');
  return { onMainPort: false, separate: { host: env['OPTSCALE_METRICS_HOST'] ?? '127.0.0.1', port: parsed } };
}

export const METRICS_CONTENT_TYPE = registry.contentType;

/** The registry in the text exposition format. */
export function renderMetrics(): Promise<string> {
  return registry.metrics();
}

export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464` */
  url: string;
  close(): Promise<void>;
}

/** A listener that serves only `GET /metrics` (everything else 404), for `OPTSCALE_METRICS_PORT`. */
export async function startMetricsServer(host: string, port: number): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    renderMetrics().then(
      (body) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(body),
      (error: unknown) => res.writeHead(500).end((error as Error).message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
