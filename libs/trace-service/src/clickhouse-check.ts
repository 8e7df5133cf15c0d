import type { ClickHouse } from '@optscale/clickhouse';
import type { ReadinessCheck } from '@optscale/service-kit';

/** `/readyz` part for the analytics store: it answers a ping (server or embedded chDB). */
export function clickhouseCheck(clickhouse: ClickHouse): ReadinessCheck {
  return {
    name: 'clickhouse',
    check: async () => {
      await clickhouse.ping();
      return { ready: true, detail: { engine: clickhouse.engine } };
    },
  };
}
