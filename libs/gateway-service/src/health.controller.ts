import { Controller, Get, HttpCode, Inject } from '@nestjs/common';
import { GatewayRuntime } from './gateway-runtime';

@Controller()
export class HealthController {
  constructor(@Inject(GatewayRuntime) private readonly runtime: GatewayRuntime) {}

  /** Liveness: the process serves HTTP. */
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the in-memory state is loaded. */
  @Get('readyz')
  readyz(): { status: 'ready'; organizations: number; keys: number } {
    const state = this.runtime.state();
    return { status: 'ready', organizations: state.organizations.size, keys: state.keysByHash.size };
  }
}
