import type { ReadinessReport } from '@optscale/service-kit';
import type { ConfigFile } from './config-file';
import { buildGatewayState, type GatewayState } from './gateway-state';
import type { GatewayStateSource } from './state-source';

/**
 * The state from the declarative config file (`OPTSCALE_CONFIG`) or the demo organization: built in
 * the constructor, so an invalid file fails the start before the gateway listens.
 */
export class StaticConfigSource implements GatewayStateSource {
  private current: GatewayState;

  constructor(config: ConfigFile) {
    this.current = buildGatewayState(config);
  }

  state(): GatewayState {
    return this.current;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  /** Replaces the whole state at once (a config reload); requests in flight keep the old one. */
  reload(config: ConfigFile): void {
    this.current = buildGatewayState(config);
  }

  readiness(): ReadinessReport {
    return {
      ready: true,
      detail: {
        source: 'config-file',
        organizations: this.current.organizations.size,
        keys: this.current.keysByHash.size,
      },
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
