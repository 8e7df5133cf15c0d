import type { ReadinessReport } from '@optscale/service-kit';
import type { GatewayState } from './gateway-state';

/**
 * Where the gateway's in-memory state comes from: the declarative file (`StaticConfigSource`) or the
 * config topics on the bus (`BusConfigSource`). The runtime only ever asks for the current state,
 * per request, so a source swaps it whole and requests in flight keep the state they started with.
 */
export interface GatewayStateSource {
  /** The current state; empty until loaded. Cheap: called on every request. */
  state(): GatewayState;
  /**
   * Loads the state; resolves once it is complete (the bus: every config topic caught up). Idempotent:
   * later calls return the same promise.
   */
  start(): Promise<void>;
  /** Whether the gateway may receive traffic, and what operators should know (never secrets). */
  readiness(): ReadinessReport;
  /** Stops following changes and releases what the source holds. */
  close(): Promise<void>;
}
