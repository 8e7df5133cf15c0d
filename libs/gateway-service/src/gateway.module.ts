import { Module, type DynamicModule } from '@nestjs/common';
import { GatewayRuntime } from './gateway-runtime';
import { HealthController } from './health.controller';

/** The gateway as a Nest module, so the embedded platform and the gateway app compose the same thing. */
@Module({})
export class GatewayModule {
  static forRuntime(runtime: GatewayRuntime): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [HealthController],
      providers: [{ provide: GatewayRuntime, useValue: runtime }],
      exports: [GatewayRuntime],
    };
  }
}
