import { Controller, Get, Inject, Module, Res, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { metricsExposureFromEnv, type MetricsExposure } from '@optscale/telemetry';
import { HttpTracingInterceptor } from './http-tracing.interceptor';
import { metricsParts } from './metrics';

/** What one part of a service reports to `/readyz`. */
export interface ReadinessReport {
  /** False: the service must not receive traffic (state not loaded, a dependency down). */
  ready: boolean;
  /**
   * True when the part serves but not as it should (a gateway serving its last state while Kafka is
   * unreachable). Readiness stays as `ready` says; operators see the degradation here.
   */
  degraded?: boolean;
  /** Facts for operators: counts, the last error, since when. Never secrets. */
  detail?: Record<string, unknown>;
}

/** A named readiness check of a service; every service module contributes its own. */
export interface ReadinessCheck {
  readonly name: string;
  check(): ReadinessReport | Promise<ReadinessReport>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** The minimal reply surface used here (Fastify's reply), so this library needs no HTTP adapter. */
interface StatusReply {
  status(code: number): unknown;
}

@Controller()
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: readonly ReadinessCheck[]) {}

  /** Liveness: the process serves HTTP. Public. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every part's state is loaded and its dependencies answer. 503 otherwise. Public. */
  @Get('readyz')
  async readyz(@Res({ passthrough: true }) reply: StatusReply): Promise<{
    status: 'ready' | 'degraded' | 'not_ready';
    checks: Record<string, ReadinessReport>;
  }> {
    const results = await Promise.all(
      this.checks.map(async (c): Promise<[string, ReadinessReport]> => {
        try {
          return [c.name, await c.check()];
        } catch (error) {
          return [c.name, { ready: false, detail: { error: (error as Error).message } }];
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, r]) => r.ready);
    const degraded = results.some(([, r]) => r.degraded === true);
    reply.status(ready ? 200 : 503);
    return { status: !ready ? 'not_ready' : degraded ? 'degraded' : 'ready', checks };
  }
}

/**
 * `/healthz` and `/readyz` over the given checks, the Prometheus `/metrics` (on this port, on a
 * separate one, or off, as `OPTSCALE_METRICS` / `OPTSCALE_METRICS_PORT` say), and a server span per
 * Nest request when tracing is on; a process mounts it once, with every check it has.
 */
@Module({})
export class HealthModule {
  static forChecks(
    checks: readonly ReadinessCheck[],
    metrics: MetricsExposure = metricsExposureFromEnv(),
  ): DynamicModule {
    const served = metricsParts(metrics);
    return {
      module: HealthModule,
      controllers: [HealthController, ...served.controllers],
      providers: [
        { provide: READINESS_CHECKS, useValue: checks },
        ...served.providers,
        // Server spans for the process's Nest routes (a no-op while tracing is off).
        { provide: APP_INTERCEPTOR, useClass: HttpTracingInterceptor },
      ],
    };
  }
}
