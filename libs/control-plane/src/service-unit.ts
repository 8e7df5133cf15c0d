import type { DynamicModule } from '@nestjs/common';
import type { RouteDefinition } from '@optscale/admin-api';
import type { Bus } from '@optscale/bus';
import type { Keyring } from '@optscale/database';
import type { ReadinessCheck } from '@optscale/service-kit';
import type { DataSource } from 'typeorm';

/** What every control-plane service gets from its process, embedded or distributed alike. */
export interface ControlPlaneContext {
  dataSource: DataSource;
  bus: Bus;
  /** Encrypts provider credentials at rest and on the bus (the gateways hold the same keyring). */
  keyring: Keyring;
  /**
   * The gateway's public base URL (`OPTSCALE_PUBLIC_URL`, e.g. `https://ai.example.com`), from which
   * the Connect values are built: `<url>/llm_proxy/<org>/v1`, `/anthropic`, `/cursor`.
   */
  publicUrl: string;
  log?: (line: string) => void;
}

export const CONTROL_PLANE_CONTEXT = Symbol('CONTROL_PLANE_CONTEXT');

/**
 * One control-plane service as a unit the entry points compose: its Nest module (controllers and
 * providers), the routes it serves (for the OpenAPI document), its readiness checks, and its
 * lifecycle (start: publish its snapshots in full; close: stop publishing). apps/auth and apps/router
 * each run one unit; apps/platform runs them all in one process, next to the gateway.
 */
export interface ServiceUnit {
  readonly name: string;
  readonly module: DynamicModule;
  readonly routes: readonly RouteDefinition[];
  readonly readiness: readonly ReadinessCheck[];
  start(): Promise<void>;
  close(): Promise<void>;
}
