import { ChdbClickHouse } from './chdb-clickhouse';
import type { ClickHouse, ClickHouseConfig } from './port';
import { ServerClickHouse } from './server-clickhouse';

/** Picks the adapter named by configuration: the only place that knows there are two. */
export function createClickHouse(config: ClickHouseConfig): ClickHouse {
  switch (config.engine) {
    case 'server':
      return new ServerClickHouse(config);
    case 'chdb':
      return new ChdbClickHouse(config);
  }
}
