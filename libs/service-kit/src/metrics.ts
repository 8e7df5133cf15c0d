import {
  Controller,
  Get,
  Inject,
  Injectable,
  Res,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
  type Type,
} from '@nestjs/common';
import {
  METRICS_CONTENT_TYPE,
  renderMetrics,
  startMetricsServer,
  type MetricsExposure,
  type MetricsServer,
} from '@optscale/telemetry';

/** The minimal reply surface used here (Fastify's reply), so this library needs no HTTP adapter. */
interface HeaderReply {
  header(name: string, value: string): unknown;
}

/**
 * `GET /metrics`: the process's Prometheus registry (@optscale/telemetry) in the text exposition
 * format. Public on the service's port by default; see `MetricsExposure` for why that is safe and
 * how to turn it off or move it.
 */
@Controller()
export class MetricsController {
  @Get('metrics')
  async metrics(@Res({ passthrough: true }) reply: HeaderReply): Promise<string> {
    reply.header('content-type', METRICS_CONTENT_TYPE);
    return renderMetrics();
  }
}

const METRICS_EXPOSURE = Symbol('METRICS_EXPOSURE');

/** Runs the separate `/metrics` listener (`OPTSCALE_METRICS_PORT`) for the application's lifetime. */
@Injectable()
export class SeparateMetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: MetricsServer | undefined;

  constructor(@Inject(METRICS_EXPOSURE) private readonly exposure: MetricsExposure) {}

  async onApplicationBootstrap(): Promise<void> {
    const separate = this.exposure.separate;
    if (separate !== undefined) this.server = await startMetricsServer(separate.host, separate.port);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
}

/** The controllers and providers that serve metrics as `exposure` says (mounted by `HealthModule`). */
export function metricsParts(exposure: MetricsExposure): { controllers: Type[]; providers: Provider[] } {
  return {
    controllers: exposure.onMainPort ? [MetricsController] : [],
    providers:
      exposure.separate !== undefined
        ? [{ provide: METRICS_EXPOSURE, useValue: exposure }, SeparateMetricsListener]
        : [],
  };
}
