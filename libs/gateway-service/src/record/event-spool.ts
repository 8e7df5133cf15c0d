import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus } from '@optscale/bus';
import type { GatewayEnv } from '../gateway-env';
import { BusEventSink, type BusEventSinkOptions, type SpooledEvent } from './bus-event-sink';
import { DiskSpool } from './disk-spool';

/** How the gateway runs: in the embedded platform (a data folder) or as its own service. */
export type GatewayTopology = 'embedded' | 'distributed';

/**
 * The spool folder: `OPTSCALE_SPOOL_DIR`, else `<data dir>/spool` (embedded) or
 * `<tmpdir>/optscale-spool-<PORT>` (distributed: one folder per gateway process on a host).
 */
export function spoolDirFor(env: GatewayEnv, topology: GatewayTopology): string {
  if (env.OPTSCALE_SPOOL_DIR !== undefined) return env.OPTSCALE_SPOOL_DIR;
  return topology === 'embedded'
    ? join(env.OPTSCALE_DATA_DIR, 'spool')
    : join(tmpdir(), `optscale-spool-${env.PORT}`);
}

/**
 * The request-event sink on `bus` with its on-disk spool opened as the environment says; events a
 * previous process left in the spool are replayed first. Close it (after `drain`) on shutdown.
 */
export async function busEventSinkFromEnv(
  bus: Bus,
  env: GatewayEnv,
  topology: GatewayTopology,
  options: Omit<BusEventSinkOptions, 'spool'> = {},
): Promise<BusEventSink> {
  const spool = await DiskSpool.open<SpooledEvent>({
    dir: spoolDirFor(env, topology),
    maxBytes: env.OPTSCALE_SPOOL_MAX_BYTES,
  });
  return new BusEventSink(bus, { ...options, spool });
}
