import { Module, type DynamicModule } from '@nestjs/common';
import { HealthModule, type ReadinessCheck } from '@optscale/service-kit';
import { GatewayRuntime } from './gateway-runtime';

export interface GatewayModuleOptions {
  /** More checks for `/readyz` (the embedded platform's other services). */
  readinessChecks?: readonly ReadinessCheck[];
  /** More Nest modules served by the same application (the embedded platform's admin API). */
  modules?: readonly DynamicModule[];
}

/** The gateway as a Nest module, so the embedded platform and the gateway app compose the same thing. */
@Module({})
export class GatewayModule {
  static forRuntime(runtime: GatewayRuntime, options: GatewayModuleOptions = {}): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        // One health module per process, over every part's checks.
        HealthModule.forChecks([runtime.readinessCheck, ...(options.readinessChecks ?? [])]),
        ...(options.modules ?? []),
      ],
      providers: [{ provide: GatewayRuntime, useValue: runtime }],
      exports: [GatewayRuntime],
    };
  }
}
