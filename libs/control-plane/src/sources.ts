import type { SnapshotSource } from './snapshot-publisher';
import { loadAccessSnapshots, loadKeySnapshots, loadProviderSnapshots } from './snapshot-loaders';

/** The config topics and how each is loaded from the store. `auth` publishes keys and access. */
export const keysSource: SnapshotSource<'optscale.config.keys.v1'> = {
  topic: 'optscale.config.keys.v1',
  load: loadKeySnapshots,
  organizationOf: (value) => value.organizationId,
};

export const accessSource: SnapshotSource<'optscale.config.access.v1'> = {
  topic: 'optscale.config.access.v1',
  load: loadAccessSnapshots,
  organizationOf: (value) => value.organizationId,
};

/** `router` publishes providers. */
export const providersSource: SnapshotSource<'optscale.config.providers.v1'> = {
  topic: 'optscale.config.providers.v1',
  load: loadProviderSnapshots,
  organizationOf: (value) => value.organizationId,
};
