import type { Keyring } from '@optscale/database';
import { loadConfigFile } from '@optscale/gateway-service';
import type { DataSource } from 'typeorm';
import { importConfig } from './import-config';
import { formatSummary, isNoop } from './summary';

/**
 * Loads a config file (with `${ENV}` expansion, validated) and imports it; returns a one-line
 * account for the service's log. Used at boot when OPTSCALE_CONFIG is set.
 */
export async function importConfigFile(
  target: { dataSource: DataSource; keyring: Keyring },
  path: string,
): Promise<string> {
  const summary = await importConfig(target.dataSource, loadConfigFile(path), { keyring: target.keyring });
  return isNoop(summary) ? 'nothing to change' : formatSummary(summary).replace(/\s*\n\s*/g, '; ');
}
